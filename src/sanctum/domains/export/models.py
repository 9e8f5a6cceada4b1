"""Tables of data exports."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime


class DataExport(Base):
    """One requested archive: pending, then ready (until `expires_at`), then downloaded or expired."""

    __tablename__ = "data_exports"
    __table_args__ = (
        Index("ix_data_exports_user_id_requested_at", "user_id", "requested_at"),
        Index("ix_data_exports_expires_at", "expires_at"),
        CheckConstraint("status IN ('pending', 'ready', 'downloaded', 'expired', 'failed')", name="status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    # The download cookie (docs/security.md, "Data export"): its digest, valid until `download_until`.
    download_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    download_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DataExportChunk(Base):
    """A slice of an archive's bytes, in order (`seq`), so it streams without being held whole."""

    __tablename__ = "data_export_chunks"

    export_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("data_exports.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
