"""The chat hub: topic `room:{id}` for members only.

Client messages:
- `typing.start` / `typing.stop` `{topic}`: relayed as an ephemeral `typing` event; a user's
  `typing.start` is relayed at most every 400 ms per room (clients send one per 500 ms).
- `receipt.delivered` `{topic, message_id}`: in a DM, records that the message reached this client.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from sanctum.domains.accounts.service import AccountService
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import RoomAccess
from sanctum.domains.chat.messages import MessageService
from sanctum.realtime.hub import Hub, Sender
from sanctum.realtime.protocol import ClientMessage, ErrorCode, ProtocolError
from sanctum.realtime.publisher import Publisher

TYPING_MIN_INTERVAL = 0.4
_NAME_TTL = 60.0


class ChatHub(Hub):
    name = "chat"
    prefixes = ("room:",)

    def __init__(self, access: RoomAccess, messages: MessageService, accounts: AccountService) -> None:
        self._access = access
        self._messages = messages
        self._accounts = accounts
        self._last_typing: dict[tuple[uuid.UUID, str], float] = {}
        self._names: dict[uuid.UUID, tuple[dict[str, Any], float]] = {}
        self.handlers = {
            "typing.start": self._typing_start,
            "typing.stop": self._typing_stop,
            "receipt.delivered": self._delivered,
        }

    async def authorize(self, user_id: uuid.UUID, topic: str) -> bool:
        room_id = ev.room_id_of(topic)
        return room_id is not None and await self._access.is_member(user_id, room_id)

    def _subscribed_topic(self, publisher: Publisher, sender: Sender, msg: ClientMessage) -> str:
        if msg.topic is None or not publisher.is_subscribed(sender.connection_id, msg.topic):
            raise ProtocolError(ErrorCode.NOT_SUBSCRIBED, "Subscribe to the room first.")
        return msg.topic

    async def _who(self, user_id: uuid.UUID) -> dict[str, Any]:
        now = time.monotonic()
        cached = self._names.get(user_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        if len(self._names) > 10_000:
            self._names.clear()
        user = (await self._accounts.find_public_users([user_id])).get(user_id)
        who = {"user_id": str(user_id), "username": user.username if user else "", "display_name": ""}
        if user is not None:
            who["display_name"] = user.display_name
        self._names[user_id] = (who, now + _NAME_TTL)
        return who

    async def _typing_start(self, publisher: Publisher, sender: Sender, msg: ClientMessage) -> None:
        topic = self._subscribed_topic(publisher, sender, msg)
        now = time.monotonic()
        key = (sender.user_id, topic)
        if now - self._last_typing.get(key, 0.0) < TYPING_MIN_INTERVAL:
            return
        if len(self._last_typing) > 50_000:
            self._last_typing = {k: v for k, v in self._last_typing.items() if now - v < TYPING_MIN_INTERVAL}
        self._last_typing[key] = now
        await publisher.publish_ephemeral(topic, ev.TYPING, {**await self._who(sender.user_id), "state": "start"})

    async def _typing_stop(self, publisher: Publisher, sender: Sender, msg: ClientMessage) -> None:
        topic = self._subscribed_topic(publisher, sender, msg)
        self._last_typing.pop((sender.user_id, topic), None)
        await publisher.publish_ephemeral(topic, ev.TYPING, {**await self._who(sender.user_id), "state": "stop"})

    async def _delivered(self, publisher: Publisher, sender: Sender, msg: ClientMessage) -> None:
        topic = self._subscribed_topic(publisher, sender, msg)
        message_id = msg.raw.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool) or not 0 < message_id < 2**62:
            raise ProtocolError(ErrorCode.BAD_MESSAGE, "`message_id` must be a positive integer.")
        room_id = ev.room_id_of(topic)
        if room_id is not None:
            await self._messages.mark_delivered(sender.user_id, room_id, message_id)
