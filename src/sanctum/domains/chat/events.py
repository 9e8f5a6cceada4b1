"""Realtime events of the chat domain: on `room:{id}` (members only), and `room.added`/`room.removed` on
`user:{id}`.

Persistent ones are logged with a seq and replayed on resume; `typing` is ephemeral. A message event's
logged frames are rewritten to the message's current content when it is edited or deleted.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from sanctum.core.events import EventData, EventKind
from sanctum.domains.chat.schemas import MessageRead, ReceiptState
from sanctum.realtime.hub import topic_uuid

ROOM = "room:{id}"


def message_ref(message_id: int) -> str:
    """The event-log ref of the frames that carry a message's content."""
    return f"message:{message_id}"


class ReplyCounts(EventData):
    """A thread's parent after a reply was added or deleted."""

    id: int
    reply_count: int
    last_reply_at: datetime | None


class MessageDeleted(EventData):
    id: int
    room_id: uuid.UUID
    parent_message_id: int | None
    removed_by_moderator: bool = False


class ReactionChanged(EventData):
    message_id: int
    emoji: str
    user_id: uuid.UUID
    count: int


class MemberChanged(EventData):
    user_id: uuid.UUID


class RoomChanged(EventData):
    id: uuid.UUID
    name: str
    topic: str
    description: str
    slow_mode_seconds: int


class Typing(EventData):
    user_id: uuid.UUID
    username: str
    display_name: str
    state: Literal["start", "stop"]


class RoomAdded(EventData):
    room_id: uuid.UUID


class PinChanged(EventData):
    message_id: int
    pinned: bool
    by: uuid.UUID
    pinned_message_ids: list[int]


class MuteChanged(EventData):
    room_id: uuid.UUID
    muted_until: datetime | None


class ChannelsOrdered(EventData):
    sanctum_id: uuid.UUID
    room_ids: list[uuid.UUID]


class EmojiChanged(EventData):
    """A sanctum's custom emoji, after one was added or deleted (the list is reloaded, not patched)."""

    sanctum_id: uuid.UUID
    name: str
    deleted: bool


MESSAGE_CREATED: EventKind[MessageRead] = EventKind(
    "message.created", MessageRead, ROOM, "A message or reply was sent."
)
MESSAGE_UPDATED: EventKind[MessageRead | ReplyCounts] = EventKind(
    "message.updated", MessageRead | ReplyCounts, ROOM, "A message was edited, or a thread's reply count changed."
)
MESSAGE_DELETED: EventKind[MessageDeleted] = EventKind(
    "message.deleted", MessageDeleted, ROOM, "A message was deleted."
)
REACTION_ADDED: EventKind[ReactionChanged] = EventKind("reaction.added", ReactionChanged, ROOM, "A reaction was added.")
REACTION_REMOVED: EventKind[ReactionChanged] = EventKind(
    "reaction.removed", ReactionChanged, ROOM, "A reaction was taken back."
)
RECEIPT_UPDATED: EventKind[ReceiptState] = EventKind(
    "receipt.updated", ReceiptState, ROOM, "A DM member's delivered or read watermark moved."
)
MEMBER_JOINED: EventKind[MemberChanged] = EventKind("member.joined", MemberChanged, ROOM, "Someone joined the room.")
MEMBER_LEFT: EventKind[MemberChanged] = EventKind("member.left", MemberChanged, ROOM, "Someone left or was removed.")
ROOM_UPDATED: EventKind[RoomChanged] = EventKind("room.updated", RoomChanged, ROOM, "The room was renamed or changed.")
TYPING: EventKind[Typing] = EventKind("typing", Typing, ROOM, "Someone started or stopped typing.", persistent=False)
ROOM_ADDED: EventKind[RoomAdded] = EventKind(
    "room.added", RoomAdded, "user:{id}", "Someone else added the user to a room, or opened a DM with them."
)
ROOM_REMOVED: EventKind[RoomAdded] = EventKind(
    "room.removed", RoomAdded, "user:{id}", "The user left a room (on another tab or device) or was removed from it."
)
PIN_UPDATED: EventKind[PinChanged] = EventKind(
    "pin.updated", PinChanged, ROOM, "A message was pinned or unpinned; the room's pins, oldest first."
)
MUTE_UPDATED: EventKind[MuteChanged] = EventKind(
    "mute.updated", MuteChanged, "user:{id}", "The user was muted in a room until a time, or unmuted (null)."
)
CHANNELS_ORDERED: EventKind[ChannelsOrdered] = EventKind(
    "channels.ordered", ChannelsOrdered, "user:{id}", "The channels of one of the user's sanctums were reordered."
)
EMOJI_CHANGED: EventKind[EmojiChanged] = EventKind(
    "emoji.changed", EmojiChanged, ROOM, "A custom emoji of the room's sanctum was added or deleted."
)
EVENTS = (
    MESSAGE_CREATED,
    MESSAGE_UPDATED,
    MESSAGE_DELETED,
    REACTION_ADDED,
    REACTION_REMOVED,
    RECEIPT_UPDATED,
    MEMBER_JOINED,
    MEMBER_LEFT,
    ROOM_UPDATED,
    TYPING,
    ROOM_ADDED,
    ROOM_REMOVED,
    PIN_UPDATED,
    MUTE_UPDATED,
    CHANNELS_ORDERED,
    EMOJI_CHANGED,
)


def room_topic(room_id: uuid.UUID) -> str:
    return f"room:{room_id}"


def room_id_of(topic: str) -> uuid.UUID | None:
    """The room of `room:{id}`, only in the canonical spelling events are published under."""
    return topic_uuid(topic, "room:")
