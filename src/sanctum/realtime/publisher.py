"""The port domains and hubs publish through: what they may ask of the realtime gateway, nothing more.

Services and hubs depend on this protocol, never on the gateway class; `realtime.gateway.Gateway`
implements it. Persistent events that belong to a change are emitted in that change's unit of work
(`uow.emit`, db/unit_of_work.py), not published here; `publish_persistent` is for an event that is a
change of its own (an announcement, a game invitation).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol, TypeVar

from pydantic import BaseModel

from sanctum.core.events import Event, EventKind

D = TypeVar("D", bound=BaseModel)


class Publisher(Protocol):
    async def publish(self, event: Event) -> None:
        """Fan an event out on every instance (a persistent one must already be in its topic's log)."""
        ...

    async def publish_many(self, events: Sequence[Event]) -> None:
        """Fan out several ephemeral events at once (a tick's frames): each serialised once, and each
        socket of this instance gets what it watches of them in one write."""
        ...

    async def publish_ephemeral(self, topic: str, kind: EventKind[D], data: D) -> None:
        """An event with no sequence number (typing, presence, game frames): may be dropped under load."""
        ...

    async def publish_persistent(self, topic: str, kind: EventKind[D], data: D) -> Event:
        """Log an event in a transaction of its own and publish it once committed."""
        ...

    async def access_changed(self, scope: str, user_id: uuid.UUID | None = None) -> None:
        """The right to read topics in `scope` may have changed, for `user_id` or (None) for everyone.

        Call it after the change has committed (a unit of work's `after_commit`). On every instance the
        subscribers concerned are asked again (`Hub.authorize`, in the topic's turn, after the events
        published before) and those who lost the right get `unsubscribed` with reason `revoked`; a
        subscribe authorized before the change is asked again too. A scope is a topic (`room:{id}`) or
        what topics declare they depend on (`sanctum:{id}`, see `Hub.scopes`)."""
        ...

    async def end_sessions(self, user_id: uuid.UUID, session_ids: list[uuid.UUID] | None = None) -> None:
        """Close the sockets opened in these sessions of the user (None: all of them), on every instance."""
        ...

    def send_to_connection(self, connection_id: str, frame: str) -> bool:
        """Write an encoded frame to one socket of this instance; False if it is not here any more."""
        ...

    def is_subscribed(self, connection_id: str, topic: str) -> bool:
        """Whether that socket of this instance holds `topic`."""
        ...

    async def is_online(self, user_id: uuid.UUID) -> bool:
        """Whether the user has a socket open on any instance."""
        ...
