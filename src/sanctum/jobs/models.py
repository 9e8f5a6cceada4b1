"""Tables of the job queue: the dead-letter queue (jobs that used up their retries, kept until an admin
retries them) and the transactional outbox (jobs asked for in a unit of work, until they are queued)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime

DeadLetterId = BigInteger().with_variant(Integer(), "sqlite")


class DeadLetter(Base):
    __tablename__ = "job_dead_letters"
    __table_args__ = (Index("ix_job_dead_letters_retried_at_id", "retried_at", "id"),)

    id: Mapped[int] = mapped_column(DeadLetterId, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retried_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OutboxEntry(Base):
    """A job asked for inside a unit of work, written in its transaction; deleted once it is queued."""

    __tablename__ = "job_outbox"
    __table_args__ = (Index("ix_job_outbox_created_at", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    job: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
