"""Realtime events of the chat domain, on topic `room:{id}`.

Persistent (logged with a seq, replayed on resume): message.created, message.updated,
message.deleted, reaction.added, reaction.removed, receipt.updated, member.joined, member.left,
room.updated. Ephemeral: typing. On the user's own `user:{id}` topic: room.added (a mention is a
notification: notifications/events.py).
"""

from __future__ import annotations

import uuid

from sanctum.realtime.hub import topic_uuid

MESSAGE_CREATED = "message.created"
MESSAGE_UPDATED = "message.updated"
MESSAGE_DELETED = "message.deleted"
REACTION_ADDED = "reaction.added"
REACTION_REMOVED = "reaction.removed"
RECEIPT_UPDATED = "receipt.updated"
MEMBER_JOINED = "member.joined"
MEMBER_LEFT = "member.left"
ROOM_UPDATED = "room.updated"
TYPING = "typing"
ROOM_ADDED = "room.added"  # on `user:{id}` when someone else adds the user to a room or opens a DM


def room_topic(room_id: uuid.UUID) -> str:
    return f"room:{room_id}"


def room_id_of(topic: str) -> uuid.UUID | None:
    """The room of `room:{id}`, only in the canonical spelling events are published under."""
    return topic_uuid(topic, "room:")
