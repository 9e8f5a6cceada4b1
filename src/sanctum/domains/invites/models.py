"""Tables of the invites domain."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime


class Invite(Base):
    """A link into a sanctum or a private room (exactly one of the two, a check in the migration)."""

    __tablename__ = "invites"
    __table_args__ = (
        Index("ix_invites_sanctum_id_created_at", "sanctum_id", "created_at"),
        Index("ix_invites_room_id_created_at", "room_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # SHA-256 of the token: the token itself is shown once, to its author, and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(8))
    sanctum_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("sanctums.id", ondelete="CASCADE"), nullable=True
    )
    room_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    max_uses: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
