"""The table of uploaded files: one row per file, naming its storage objects and its container."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime


class StoredFile(Base):
    """An upload. `purpose` says what it is for; the container columns say what it belongs to once
    attached (a message of a room, a post, a sanctum's icon or custom emoji) and so who may read it: an attachment
    with no container yet is its owner's alone."""

    __tablename__ = "files"
    __table_args__ = (
        Index("ix_files_owner_id_purpose", "owner_id", "purpose"),
        Index("ix_files_message_id", "message_id"),
        Index("ix_files_room_id", "room_id"),  # a deleted room's sweep (sweep.py)
        Index("ix_files_post_id", "post_id"),
        Index("ix_files_sanctum_id_purpose", "sanctum_id", "purpose"),
        CheckConstraint("purpose IN ('attachment', 'avatar', 'icon', 'emoji')", name="purpose"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    thumbnail_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The container: a message (and its room), a post, or a sanctum (its icon).
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    room_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    post_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sanctum_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
