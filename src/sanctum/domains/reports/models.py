"""Tables of the reports domain."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime


class Report(Base):
    """One person's report of one target. `open_key` ("reporter:type:id") is set while the report is
    open and cleared when it is resolved: its unique index allows one open report per reporter and
    target, and any number of closed ones."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("uq_reports_open_key", "open_key", unique=True),
        Index("ix_reports_status_created_at", "status", "created_at"),
        Index("ix_reports_sanctum_id_status_created_at", "sanctum_id", "status", "created_at"),
        Index("ix_reports_target_type_target_id", "target_type", "target_id"),
        Index("ix_reports_target_user_id", "target_user_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reporter_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(64))
    # Whose content it is (or who is reported): the target's history is found by it.
    target_user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # Where the content lives: its sanctum's moderators review it; none: only site moderators.
    sanctum_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("sanctums.id", ondelete="CASCADE"), nullable=True
    )
    room_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    reason: Mapped[str] = mapped_column(String(16))
    details: Mapped[str] = mapped_column(Text, default="")
    # The content as it was when reported (JSON), kept whatever happens to it since.
    snapshot: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    open_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(16), nullable=True)
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
