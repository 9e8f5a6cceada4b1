"""The table of custom emoji: one row per (sanctum, name), naming its image in `files`."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime


class SanctumEmoji(Base):
    """A sanctum's custom emoji. Its image is a file row of purpose `emoji` (deleted with it); the
    row goes by cascade when the file does (its uploader's account deleted)."""

    __tablename__ = "sanctum_emoji"

    sanctum_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sanctums.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    file_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("files.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
