"""In-process broker for embedded mode: one instance, so publishing is a direct call."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from opentelemetry.trace import SpanKind

from sanctum.broker.base import PUBLISH_SPAN, EventHandler, ReconnectHandler, publish_attributes
from sanctum.core.events import Event
from sanctum.observability import tracing


class InProcessBroker:
    def __init__(self) -> None:
        self._on_event: EventHandler | None = None
        self._topics: set[str] = set()

    @property
    def connected(self) -> bool:
        return True

    async def start(self, on_event: EventHandler, on_reconnect: ReconnectHandler) -> None:
        self._on_event = on_event

    async def stop(self) -> None:
        self._on_event = None

    async def publish(self, event: Event) -> bool:
        if tracing.active():
            with tracing.span(PUBLISH_SPAN, kind=SpanKind.PRODUCER, attributes=publish_attributes(event)):
                if self._on_event is not None and event.topic in self._topics:
                    self._on_event(replace(event, published_at=time.time(), trace=tracing.current_traceparent()))
        elif self._on_event is not None and event.topic in self._topics:
            self._on_event(replace(event, published_at=time.time()))
        return True

    async def publish_many(self, events: Sequence[Event]) -> None:
        on_event = self._on_event
        if on_event is not None:
            now = time.time()
            for event in events:
                if event.topic in self._topics:
                    on_event(replace(event, published_at=now))

    async def subscribe(self, topic: str) -> None:
        self._topics.add(topic)

    async def unsubscribe(self, topic: str) -> None:
        self._topics.discard(topic)
