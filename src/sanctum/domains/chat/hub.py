"""The chat hub: topic `room:{id}` for members only.

Client messages:
- `typing.start` / `typing.stop` `{topic}`: relayed as an ephemeral `typing` event; a user's
  `typing.start` is relayed at most every 400 ms per room (clients send one per 500 ms).
- `receipt.delivered` `{topic, message_id}`: in a DM, records that the message reached this client.
"""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Literal

from pydantic import Field

from sanctum.core.errors import ErrorCode
from sanctum.domains.accounts.service import AccountService
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import RoomAccess
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.sanctum_rooms import sanctum_scope
from sanctum.realtime.hub import Command, Hub, Sender
from sanctum.realtime.protocol import ProtocolError, TopicCommand
from sanctum.realtime.publisher import Publisher

TYPING_MIN_INTERVAL = 0.4
_NAME_TTL = 60.0


class TypingCommand(TopicCommand):
    """Someone is typing in a room, or stopped: relayed to the room as an ephemeral `typing`."""

    type: Literal["typing.start", "typing.stop"]


class ReceiptDelivered(TopicCommand):
    """A DM message reached this client: moves the delivered receipt forward."""

    type: Literal["receipt.delivered"]
    message_id: Annotated[int, Field(gt=0, lt=2**62, strict=True)]


class ChatHub(Hub):
    name = "chat"
    prefixes = ("room:",)
    events = ev.EVENTS

    def __init__(self, access: RoomAccess, messages: MessageService, accounts: AccountService) -> None:
        self._access = access
        self._messages = messages
        self._accounts = accounts
        self._last_typing: dict[tuple[uuid.UUID, str], float] = {}
        self._names: dict[uuid.UUID, tuple[tuple[str, str], float]] = {}
        self.handlers = {
            # Relayed, never stored, and already throttled per room below.
            "typing.start": Command(TypingCommand, self._typing, limit=None),
            "typing.stop": Command(TypingCommand, self._typing, limit=None),
            "receipt.delivered": Command(ReceiptDelivered, self._delivered, limit="read_marker"),
        }

    async def authorize(self, user_id: uuid.UUID, topic: str) -> bool:
        room_id = ev.room_id_of(topic)
        return room_id is not None and await self._access.is_member(user_id, room_id)

    async def scopes(self, topic: str) -> frozenset[str]:
        """A sanctum's room is readable only as long as the sanctum lets the reader in."""
        room_id = ev.room_id_of(topic)
        sanctum_id = await self._access.sanctum_of(room_id) if room_id is not None else None
        return frozenset({topic, sanctum_scope(sanctum_id)} if sanctum_id is not None else {topic})

    @staticmethod
    def _subscribed_topic(publisher: Publisher, sender: Sender, topic: str) -> str:
        if not publisher.is_subscribed(sender.connection_id, topic):
            raise ProtocolError(ErrorCode.NOT_SUBSCRIBED, "Subscribe to the room first.")
        return topic

    async def _who(self, user_id: uuid.UUID) -> tuple[str, str]:
        """(username, display name), cached a minute: typing must not cost a query per keystroke."""
        now = time.monotonic()
        cached = self._names.get(user_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        if len(self._names) > 10_000:
            self._names.clear()
        user = (await self._accounts.find_public_users([user_id])).get(user_id)
        who = (user.username, user.display_name) if user is not None else ("", "")
        self._names[user_id] = (who, now + _NAME_TTL)
        return who

    async def _typing(self, publisher: Publisher, sender: Sender, command: TypingCommand) -> None:
        topic = self._subscribed_topic(publisher, sender, command.topic)
        key = (sender.user_id, topic)
        if command.type == "typing.start":
            now = time.monotonic()
            if now - self._last_typing.get(key, 0.0) < TYPING_MIN_INTERVAL:
                return
            if len(self._last_typing) > 50_000:
                self._last_typing = {k: v for k, v in self._last_typing.items() if now - v < TYPING_MIN_INTERVAL}
            self._last_typing[key] = now
        else:
            self._last_typing.pop(key, None)
        username, display_name = await self._who(sender.user_id)
        state: Literal["start", "stop"] = "start" if command.type == "typing.start" else "stop"
        typing = ev.Typing(user_id=sender.user_id, username=username, display_name=display_name, state=state)
        await publisher.publish_ephemeral(topic, ev.TYPING, typing)

    async def _delivered(self, publisher: Publisher, sender: Sender, command: ReceiptDelivered) -> None:
        topic = self._subscribed_topic(publisher, sender, command.topic)
        room_id = ev.room_id_of(topic)
        if room_id is not None:
            await self._messages.mark_delivered(sender.user_id, room_id, command.message_id)
