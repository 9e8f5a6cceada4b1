"""The broker protocol the gateway talks to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from sanctum.core.events import Event

EventHandler = Callable[[Event], None]
ReconnectHandler = Callable[[], Awaitable[None]]

# The span a traced publish runs in (observability/tracing.py); its traceparent goes in the envelope.
PUBLISH_SPAN = "broker.publish"


def publish_attributes(event: Event) -> dict[str, Any]:
    return {"messaging.destination.name": event.topic, "sanctum.event.type": event.type}


class Broker(Protocol):
    @property
    def connected(self) -> bool:
        """Whether events published elsewhere reach this instance right now."""
        ...

    async def start(self, on_event: EventHandler, on_reconnect: ReconnectHandler) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, event: Event) -> bool:
        """Hand an event to every instance (this one included), stamped with the time of publishing.

        When the broker is unreachable, this instance's own subscribers still get it and the answer is
        False: other instances catch up from the event log when the broker is back."""
        ...

    async def publish_many(self, events: Sequence[Event]) -> None:
        """Publish ephemeral events, fire and forget: this instance's subscribers get theirs before the
        first await (the gateway gathers a socket's frames into one write), remote ones after."""
        ...

    async def subscribe(self, topic: str) -> None: ...

    async def unsubscribe(self, topic: str) -> None: ...
