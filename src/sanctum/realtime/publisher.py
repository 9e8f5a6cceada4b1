"""The port domains and hubs publish through: what they may ask of the realtime gateway, nothing more.

Services and hubs depend on this protocol, never on the gateway class; `realtime.gateway.Gateway`
implements it. Persistent events that belong to a change are emitted in that change's unit of work
(`uow.emit`, db/unit_of_work.py), not published here; `publish_persistent` is for an event that is a
change of its own (an announcement, a game invitation).
"""

from __future__ import annotations

import uuid
from typing import Protocol, TypeVar

from pydantic import BaseModel

from sanctum.core.events import Event, EventKind

D = TypeVar("D", bound=BaseModel)


class Publisher(Protocol):
    async def publish(self, event: Event) -> None:
        """Fan an event out on every instance (a persistent one must already be in its topic's log)."""
        ...

    async def publish_ephemeral(self, topic: str, kind: EventKind[D], data: D) -> None:
        """An event with no sequence number (typing, presence, game frames): may be dropped under load."""
        ...

    async def publish_persistent(self, topic: str, kind: EventKind[D], data: D) -> Event:
        """Log an event in a transaction of its own and publish it once committed."""
        ...

    async def revoke(self, topic: str, user_id: uuid.UUID) -> None:
        """Unsubscribe every socket of `user_id` from `topic`, on every instance (after the change that
        took the right away has committed)."""
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
