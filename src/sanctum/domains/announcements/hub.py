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

from sanctum.core.text import body_problem
from sanctum.realtime.gateway import Gateway
from sanctum.realtime.hub import Hub, Sender
from sanctum.realtime.protocol import ClientMessage, ErrorCode, ProtocolError

TOPIC = "announcements"
EVENT = "announcement"
MAX_TEXT = 2_000


class SystemHub(Hub):
    name = "system"
    prefixes = (TOPIC,)

    def __init__(self, is_admin: Callable[[uuid.UUID], Awaitable[bool]], admin_ttl_seconds: float = 30.0) -> None:
        self._lookup_admin = is_admin
        self._admin_ttl = admin_ttl_seconds
        # An admin announcing in a burst should not cost a query per message; a demotion
        # takes effect within admin_ttl_seconds.
        self._admins: dict[uuid.UUID, tuple[bool, float]] = {}
        self.handlers = {"announce": self._announce}

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

    async def _announce(self, gateway: Gateway, sender: Sender, msg: ClientMessage) -> None:
        if msg.topic != TOPIC or not await self._is_admin(sender.user_id):
            raise ProtocolError(ErrorCode.FORBIDDEN, "Only administrators may announce.")
        data = msg.raw.get("data")
        if not isinstance(data, dict):
            raise ProtocolError(ErrorCode.BAD_MESSAGE, "`data` must be an object.")
        text = data.get("text")
        if not isinstance(text, str) or not 0 < len(text) <= MAX_TEXT:
            raise ProtocolError(ErrorCode.BAD_MESSAGE, f"`data.text` must be 1-{MAX_TEXT} characters.")
        problem = body_problem(text, "announcement")
        if problem is not None:
            raise ProtocolError(ErrorCode.BAD_MESSAGE, f"`data.text`: {problem}.")
        payload = {"text": text, "by": str(sender.user_id), "sent_at": data.get("sent_at")}
        if msg.raw.get("persist") is True:
            await gateway.publish_persistent(TOPIC, EVENT, payload)
        else:
            await gateway.publish_ephemeral(TOPIC, EVENT, payload)
