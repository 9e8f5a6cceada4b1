"""Tables of the notifications domain."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime

# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY auto-increments.
NotificationId = BigInteger().with_variant(Integer(), "sqlite")
DIGEST_PENDING = "kind = 'mention' AND digested_at IS NULL AND read_at IS NULL"


class Notification(Base):
    """One thing to tell a user. Likes of one target share a row, updated (and unread again) per new liker."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_id_dedupe_key"),
        Index("ix_notifications_user_id_updated_at_id", "user_id", "updated_at", "id"),
        Index(
            "ix_notifications_user_id_unread",
            "user_id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
        Index(
            "ix_notifications_user_id_subject_unread",
            "user_id",
            "subject",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
        # Mentions the email digest has still to handle (domains/digest).
        Index(
            "ix_notifications_digest_pending",
            "created_at",
            postgresql_where=text(DIGEST_PENDING),
            sqlite_where=text(DIGEST_PENDING),
        ),
    )

    id: Mapped[int] = mapped_column(NotificationId, primary_key=True, autoincrement=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    # The latest actor; the others of an aggregated notification are in notification_actors.
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    actor_count: Mapped[int] = mapped_column(Integer, default=1)
    # The subject's ids (room_id, message_id, post_id, ...) as a JSON object of strings.
    data: Mapped[str] = mapped_column(Text, default="{}")
    # What it is about (`room:{id}`, `post:{id}`, `game:{id}`): viewing that marks it read.
    subject: Mapped[str | None] = mapped_column(String(80), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # When the email digest handled this mention (sent it, or passed over it); None: not yet.
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class NotificationActor(Base):
    """Who is behind an aggregated notification: one row per liker, so a liker counts once."""

    __tablename__ = "notification_actors"

    notification_id: Mapped[int] = mapped_column(
        NotificationId, ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
