"""The notifications hub.

- `user:{id}`: a user's private topic (notifications, account events); only its owner may subscribe.
- `presence:{id}`: online/offline of one user, ephemeral. Anyone signed in may watch it for now;
  when friendships land, this narrows to friends and people looking at a shared member list.
  A subscribe gets the current status at once; changes are sent only when a user's first socket
  opens or their last one closes (on any instance), so extra tabs cost nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from sanctum.domains.notifications import events as ev
from sanctum.realtime.hub import Hub, topic_uuid
from sanctum.realtime.publisher import Publisher


def user_topic(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def presence_topic(user_id: uuid.UUID) -> str:
    return f"presence:{user_id}"


def _topic_user(topic: str) -> uuid.UUID | None:
    """The user of `user:{id}` / `presence:{id}`, only in the canonical spelling events are published under."""
    return topic_uuid(topic, "user:") or topic_uuid(topic, "presence:")


class NotificationsHub(Hub):
    name = "notifications"
    prefixes = ("user:", "presence:")
    events = ev.EVENTS

    async def authorize(self, user_id: uuid.UUID, topic: str) -> bool:
        owner = _topic_user(topic)
        if owner is None:
            return False
        if topic.startswith("user:"):
            return owner == user_id
        return True

    async def on_connect(self, publisher: Publisher, user_id: uuid.UUID, first: bool) -> None:
        if first:
            await publisher.publish_ephemeral(presence_topic(user_id), ev.PRESENCE, _status(user_id, True))

    async def on_disconnect(self, publisher: Publisher, user_id: uuid.UUID, last: bool) -> None:
        if last:
            await publisher.publish_ephemeral(presence_topic(user_id), ev.PRESENCE, _status(user_id, False))

    async def on_subscribe(self, publisher: Publisher, user_id: uuid.UUID, topic: str) -> list[dict[str, Any]]:
        watched = _topic_user(topic)
        if not topic.startswith("presence:") or watched is None:
            return []
        online = await publisher.is_online(watched)
        return [{"type": ev.PRESENCE.name, "topic": topic, "data": ev.PRESENCE.encode(_status(watched, online))}]


def _status(user_id: uuid.UUID, online: bool) -> ev.Presence:
    return ev.Presence(user_id=user_id, status="online" if online else "offline")
