"""Tables of the sanctums domain."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime


class Sanctum(Base):
    __tablename__ = "sanctums"
    __table_args__ = (Index("ix_sanctums_visibility_name_id", "visibility", "name", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(1000), default="")
    visibility: Mapped[str] = mapped_column(String(16))
    # Who founded it; ownership itself is the `owner` role in sanctum_members.
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SanctumMember(Base):
    __tablename__ = "sanctum_members"
    __table_args__ = (Index("ix_sanctum_members_user_id_sanctum_id", "user_id", "sanctum_id"),)

    sanctum_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sanctums.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), default="member")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Muted in every room of the sanctum until then (copied onto the member's room rows).
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SanctumBan(Base):
    """Someone who may not come back into a sanctum until unbanned."""

    __tablename__ = "sanctum_bans"

    sanctum_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sanctums.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    banned_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
