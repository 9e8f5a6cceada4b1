"""The hub interface: how a domain plugs into the gateway.

A hub has a name (metrics label), the topic prefixes it owns, a rule for who may subscribe to a
topic, and handlers for the client message types it accepts. Domains define hubs and `main.py`
registers them; the gateway never imports a domain.

    class ChatHub(Hub):
        name = "chat"
        prefixes = ("room:",)
        events = (MESSAGE_CREATED, TYPING, ...)                  # what its topics carry (the contract)
        async def authorize(self, user_id, topic): return await chat.is_member(user_id, room_id(topic))
        handlers = {"typing.start": Command(TypingCommand, on_typing, limit=None)}

A handler receives its message already validated against its command model (a pydantic model with
`type: Literal[...]`); one that does not validate is answered BAD_MESSAGE before the handler runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from sanctum.core.events import EventKind
from sanctum.realtime.protocol import ClientCommand
from sanctum.realtime.publisher import Publisher


def topic_uuid(topic: str, prefix: str) -> uuid.UUID | None:
    """The id in `{prefix}{uuid}`, only in the canonical spelling events are published under
    (so `room:ABC…` or a braced UUID cannot name a second topic for the same room)."""
    if not topic.startswith(prefix):
        return None
    raw = topic[len(prefix) :]
    try:
        value = uuid.UUID(raw)
    except ValueError:
        return None
    return value if str(value) == raw else None


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sent a client message, and its `cid`: enough for a handler to authorize and reply."""

    user_id: uuid.UUID
    connection_id: str
    cid: str | None = None


M = TypeVar("M", bound=ClientCommand)


@dataclass(frozen=True, slots=True)
class Command(Generic[M]):
    """A message type a hub accepts: the model it is validated against, what runs it, and the named rate
    limit (RateLimitSettings) each one spends of its sender's allowance, the same limit as the HTTP
    route doing the same write. `limit=None` is declared, never defaulted: for messages that store
    nothing (typing), the socket's own message bucket is enough."""

    model: type[M]
    run: Callable[[Publisher, Sender, M], Awaitable[None]]
    _: KW_ONLY
    limit: str | None


Handler = Command[Any]


class Hub:
    name: str = "hub"
    prefixes: tuple[str, ...] = ()
    handlers: Mapping[str, Handler] = {}
    events: tuple[EventKind[Any], ...] = ()
    # Frames its handlers send back to the sender besides errors (e.g. `game.move.ok`), for the contract.
    replies: tuple[type[BaseModel], ...] = ()
    # {delta event type: keyframe event type} for topics that send deltas of a state: a socket that
    # subscribes or resumes gets none of a topic's deltas until one of its keyframes (at most one pair).
    keyframes: Mapping[str, str] = {}

    async def authorize(self, user_id: uuid.UUID, topic: str) -> bool:
        """May this user read this topic now? Asked on subscribe, and again for every subscriber of the
        topic whenever one of its access scopes changes (`Publisher.access_changed`)."""
        return False

    async def scopes(self, topic: str) -> frozenset[str]:
        """The access scopes the right to read `topic` depends on: the topic itself, and whatever else can
        take that right away (a post's sanctum). Asked once, when this instance starts holding the topic."""
        return frozenset({topic})

    async def on_connect(self, publisher: Publisher, user_id: uuid.UUID, first: bool) -> None:
        """A socket of this user opened; `first` when it is the user's only socket anywhere."""

    async def on_disconnect(self, publisher: Publisher, user_id: uuid.UUID, last: bool) -> None:
        """A socket closed; `last` when the user has no socket left anywhere."""

    async def on_subscribe(self, publisher: Publisher, user_id: uuid.UUID, topic: str) -> list[dict[str, Any]]:
        """Ephemeral snapshot frames (e.g. current presence) sent right after a subscribe."""
        return []


class HubRegistry:
    def __init__(self) -> None:
        self._hubs: list[Hub] = []
        self._handlers: dict[str, tuple[Hub, Handler]] = {}

    def register(self, hub: Hub) -> None:
        for other in self._hubs:
            clash = [p for p in hub.prefixes for q in other.prefixes if p.startswith(q) or q.startswith(p)]
            if clash:
                raise ValueError(f"hub {hub.name} prefix {clash[0]!r} overlaps hub {other.name}")
        for type_ in hub.handlers:
            if type_ in self._handlers:
                raise ValueError(f"message type {type_!r} is already handled by {self._handlers[type_][0].name}")
        self._hubs.append(hub)
        for type_, handler in hub.handlers.items():
            self._handlers[type_] = (hub, handler)

    @property
    def hubs(self) -> list[Hub]:
        return list(self._hubs)

    def hub_for_topic(self, topic: str) -> Hub | None:
        for hub in self._hubs:
            if topic.startswith(hub.prefixes):
                return hub
        return None

    def handler_for(self, type_: str) -> tuple[Hub, Handler] | None:
        return self._handlers.get(type_)
