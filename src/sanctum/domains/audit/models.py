"""Tables of the audit domain."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime

AuditId = BigInteger().with_variant(Integer(), "sqlite")


class AuditEntry(Base):
    """One sensitive action. No foreign keys: the record outlives the people and things it names."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_sanctum_id_id", "sanctum_id", "id"),
        Index("ix_audit_log_target_id_id", "target_id", "id"),
    )

    id: Mapped[int] = mapped_column(AuditId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(64))
    sanctum_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # JSON object: what else the action needs to be understood (role names, durations, reasons).
    details: Mapped[str] = mapped_column(Text, default="{}")
    ip: Mapped[str] = mapped_column(String(64), default="")
