"""Tables of the chat domain."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime

# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY auto-increments.
MessageId = BigInteger().with_variant(Integer(), "sqlite")


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (
        Index("ix_rooms_kind_name", "kind", "name"),
        Index("uq_rooms_sanctum_id", "sanctum_id", unique=True),
        Index("ix_rooms_channel_of_position", "channel_of", "position"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(80), default="")
    topic: Mapped[str] = mapped_column(String(250), default="")
    description: Mapped[str] = mapped_column(String(1000), default="")
    # One room per pair of users: "<smaller uuid>:<larger uuid>" for direct messages.
    dm_key: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    # The sanctum this is the main room of; the room goes when its sanctum does.
    sanctum_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("sanctums.id", ondelete="CASCADE"), nullable=True
    )
    # The sanctum this is a channel of (one of its rooms besides the main one), in `position` order.
    channel_of: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("sanctums.id", ondelete="CASCADE"), nullable=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    # Slow mode: members (not moderators) may send one message per this many seconds; 0 is off.
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Whether system lines ("Alice joined the room") count as unread; off: they are not noise.
    system_messages_unread: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    last_message_id: Mapped[int | None] = mapped_column(MessageId, nullable=True)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RoomMember(Base):
    __tablename__ = "room_members"
    __table_args__ = (Index("ix_room_members_user_id_room_id", "user_id", "room_id"),)

    room_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), default="member")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Read state is one watermark per member per room, never a row per message per reader.
    last_read_message_id: Mapped[int] = mapped_column(MessageId, default=0)
    last_delivered_message_id: Mapped[int] = mapped_column(MessageId, default=0)
    # Muted here until then (a room mute, or the member's sanctum-wide mute copied to each of its rooms).
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class HeldMute(Base):
    """A mute that outlives leaving: a muted member who leaves (or is removed) gets it back on rejoining."""

    __tablename__ = "held_mutes"

    room_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime())


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_room_id_id", "room_id", "id"),
        Index("ix_messages_parent_id_id", "parent_id", "id"),
        Index("ix_messages_author_id_id", "author_id", "id"),
        UniqueConstraint("room_id", "author_id", "client_id", name="uq_messages_room_id_author_id_client_id"),
    )

    id: Mapped[int] = mapped_column(MessageId, primary_key=True, autoincrement=True)
    room_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("rooms.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="user")
    body: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        MessageId, ForeignKey("messages.id", ondelete="CASCADE"), nullable=True
    )
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    last_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    removed_by_moderator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The cards of its first links (a JSON list of previews.schemas.LinkPreview), written by a job.
    link_previews: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The author turned link previews off for this message (when sending, or later).
    previews_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RoomPin(Base):
    """A pinned message of a room (at most three per room)."""

    __tablename__ = "room_pins"

    room_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    message_id: Mapped[int] = mapped_column(MessageId, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    pinned_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    pinned_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MessageEdit(Base):
    """Earlier versions of an edited message: the audit trail."""

    __tablename__ = "message_edits"

    id: Mapped[int] = mapped_column(MessageId, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(MessageId, ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    edited_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reaction(Base):
    __tablename__ = "message_reactions"

    message_id: Mapped[int] = mapped_column(MessageId, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # A Unicode emoji or a `:shortcode:` (a custom emoji's name is up to 32 characters).
    emoji: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Mention(Base):
    __tablename__ = "message_mentions"
    __table_args__ = (Index("ix_message_mentions_user_id_message_id", "user_id", "message_id"),)

    message_id: Mapped[int] = mapped_column(MessageId, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("rooms.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def dm_key(a: uuid.UUID, b: uuid.UUID) -> str:
    low, high = sorted((str(a), str(b)))
    return f"{low}:{high}"


def dm_members(room: Room) -> list[uuid.UUID]:
    if room.dm_key is None:
        return []
    return [uuid.UUID(part) for part in room.dm_key.split(":")]


class SanctumWelcome(Base):
    """The welcome bot greeted this user in this sanctum: once, on their first join, whatever follows."""

    __tablename__ = "sanctum_welcomes"

    sanctum_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sanctums.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
