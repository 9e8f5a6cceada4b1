"""The broker protocol the gateway talks to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from sanctum.realtime.protocol import Event

EventHandler = Callable[[Event], None]
ReconnectHandler = Callable[[], Awaitable[None]]


class Broker(Protocol):
    async def start(self, on_event: EventHandler, on_reconnect: ReconnectHandler) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, event: Event) -> bool:
        """Hand an event to every instance (this one included); False if the broker is unreachable."""
        ...

    async def subscribe(self, topic: str) -> None: ...

    async def unsubscribe(self, topic: str) -> None: ...
