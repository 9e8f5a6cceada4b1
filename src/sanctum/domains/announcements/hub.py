"""The `system` hub: topic `announcements`, which every signed-in user may watch.

Administrators publish with a socket message:

    {"type": "announce", "topic": "announcements", "data": {"text": "..."}, "persist": true}

`persist: true` logs the announcement (seq, replayed on resume); otherwise it is ephemeral and
reaches only who is online. Everyone else gets FORBIDDEN.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sanctum.core.errors import ErrorCode
from sanctum.core.events import EventData, EventKind
from sanctum.core.text import Body
from sanctum.realtime.hub import Command, Hub, Sender
from sanctum.realtime.protocol import ProtocolError, TopicCommand
from sanctum.realtime.publisher import Publisher

TOPIC = "announcements"
MAX_TEXT = 2_000


class AnnouncementText(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    text: Annotated[str, Body("announcement", max_length=MAX_TEXT)]
    sent_at: Any = Field(None, description="The sender's clock, passed on as it is.")


class Announce(TopicCommand):
    type: Literal["announce"]
    data: AnnouncementText
    persist: bool = Field(False, description="Log it (replayed on resume); otherwise only who is online sees it.")


class Announcement(EventData):
    text: str
    by: uuid.UUID
    sent_at: Any


ANNOUNCEMENT: EventKind[Announcement] = EventKind(
    "announcement", Announcement, TOPIC, "An administrator's announcement (logged or not, as sent).", persistent=None
)


class SystemHub(Hub):
    name = "system"
    prefixes = (TOPIC,)
    events = (ANNOUNCEMENT,)

    def __init__(self, is_admin: Callable[[uuid.UUID], Awaitable[bool]], admin_ttl_seconds: float = 30.0) -> None:
        self._lookup_admin = is_admin
        self._admin_ttl = admin_ttl_seconds
        # An admin announcing in a burst should not cost a query per message; a demotion
        # takes effect within admin_ttl_seconds.
        self._admins: dict[uuid.UUID, tuple[bool, float]] = {}
        self.handlers = {"announce": Command(Announce, self._announce, limit="announcement")}

    async def _is_admin(self, user_id: uuid.UUID) -> bool:
        now = time.monotonic()
        cached = self._admins.get(user_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        if len(self._admins) > 10_000:
            self._admins.clear()
        admin = await self._lookup_admin(user_id)
        self._admins[user_id] = (admin, now + self._admin_ttl)
        return admin

    async def authorize(self, user_id: uuid.UUID, topic: str) -> bool:
        return topic == TOPIC

    async def _announce(self, publisher: Publisher, sender: Sender, command: Announce) -> None:
        if command.topic != TOPIC or not await self._is_admin(sender.user_id):
            raise ProtocolError(ErrorCode.FORBIDDEN, "Only administrators may announce.")
        announcement = Announcement(text=command.data.text, by=sender.user_id, sent_at=command.data.sent_at)
        if command.persist:
            await publisher.publish_persistent(TOPIC, ANNOUNCEMENT, announcement)
        else:
            await publisher.publish_ephemeral(TOPIC, ANNOUNCEMENT, announcement)
