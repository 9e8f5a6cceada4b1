"""The gateway: the socket endpoint and the topics of this instance, behind the `Publisher` port.

`SocketEndpoint` (realtime/endpoint.py) owns sockets: tickets, the read loop, limits, dispatch to hubs
and the heartbeat. `Topics` (realtime/topics.py) owns subscriptions: ordered, gap-free fanout, catch-up
from the event log and the broker subscriptions. `Gateway` builds both, starts and stops them, and is
what domains publish through (`realtime.publisher.Publisher`); `GatewayMiddleware` routes `/api/ws`
to it ahead of the HTTP stack.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

from opentelemetry.trace import SpanKind
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from sanctum.broker.base import Broker
from sanctum.core.events import Event, EventKind, make_event
from sanctum.db.database import Database
from sanctum.observability import tracing
from sanctum.ratelimit import RateLimiter
from sanctum.realtime.endpoint import SESSIONS_ENDED, SESSIONS_PREFIX, SocketEndpoint, sessions_topic
from sanctum.realtime.hub import HubRegistry
from sanctum.realtime.presence import ConnectionRegistry
from sanctum.realtime.tickets import TicketStore
from sanctum.realtime.topics import ACCESS_EVENT, Topics, access_topic
from sanctum.settings import RealtimeSettings

D = TypeVar("D", bound=BaseModel)
DELIVER_SPAN = "ws.deliver"


class Gateway:
    def __init__(
        self,
        settings: RealtimeSettings,
        db: Database,
        broker: Broker,
        tickets: TicketStore,
        registry: ConnectionRegistry,
        hubs: HubRegistry,
        limiter: RateLimiter,
    ) -> None:
        self.db = db
        self.broker = broker
        # Names this instance in traces (the `ws.deliver` span of each instance that delivers an event).
        self.instance_id = uuid.uuid4().hex[:12]
        self.registry = registry
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self.topics = Topics(settings, db, broker, hubs, self._spawn)
        self.endpoint = SocketEndpoint(settings, tickets, registry, hubs, self.topics, self, limiter)
        self.hubs = hubs

    async def start(self) -> None:
        await self.broker.start(self._on_broker_event, self.topics.on_broker_reconnect)
        self._sweeper = asyncio.create_task(self.endpoint.sweep(), name="ws-heartbeat")

    async def stop(self) -> None:
        await self.endpoint.close_all()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for task in list(self._tasks):
            task.cancel()
        await self.broker.stop()

    def _on_broker_event(self, event: Event) -> None:
        if event.trace:
            state = self.topics.states.get(event.topic)
            if state is not None and state.subscribers:
                # The delivery on this instance, in the trace of the request that published it.
                attributes = {
                    "messaging.destination.name": event.topic,
                    "sanctum.event.type": event.type,
                    "sanctum.hub": state.hub,
                    "sanctum.instance": self.instance_id,
                    "sanctum.recipients": len(state.subscribers),
                }
                with tracing.span(DELIVER_SPAN, parent=event.trace, kind=SpanKind.CONSUMER, attributes=attributes):
                    self._route(event)
                return
        self._route(event)

    def _route(self, event: Event) -> None:
        if event.topic.startswith(SESSIONS_PREFIX) and event.type == SESSIONS_ENDED:
            self.endpoint.on_sessions_ended(event)
        else:
            self.topics.on_broker_event(event)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- Publisher ----------------------------------------------------------------------------

    async def publish(self, event: Event) -> None:
        await self.broker.publish(event)

    async def publish_many(self, events: Sequence[Event]) -> None:
        # The broker hands this instance's subscribers their copies before it awaits anything
        # (Broker.publish_many), so every socket gets what it watches of the batch in one write.
        self.topics.cork()
        try:
            await self.broker.publish_many(events)
        finally:
            self.topics.uncork()

    async def publish_ephemeral(self, topic: str, kind: EventKind[D], data: D) -> None:
        await self.broker.publish(kind.event(topic, data))

    async def publish_persistent(self, topic: str, kind: EventKind[D], data: D) -> Event:
        async with self.db.writer() as uow:
            return await uow.emit(topic, kind, data)

    async def access_changed(self, scope: str, user_id: uuid.UUID | None = None) -> None:
        data = {"user_id": str(user_id) if user_id is not None else None}
        await self.broker.publish(make_event(access_topic(scope), ACCESS_EVENT, data))

    async def end_sessions(self, user_id: uuid.UUID, session_ids: list[uuid.UUID] | None = None) -> None:
        data: dict[str, Any] = {"all": True} if session_ids is None else {"session_ids": [str(s) for s in session_ids]}
        await self.broker.publish(make_event(sessions_topic(user_id), SESSIONS_ENDED, data))

    def send_to_connection(self, connection_id: str, frame: str) -> bool:
        return self.endpoint.send_to_connection(connection_id, frame)

    def is_subscribed(self, connection_id: str, topic: str) -> bool:
        return self.endpoint.is_subscribed(connection_id, topic)

    async def is_online(self, user_id: uuid.UUID) -> bool:
        return await self.registry.count(user_id) > 0

    # -- the socket ---------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.endpoint(scope, receive, send)


class GatewayMiddleware:
    """Routes `/api/ws` straight to the gateway, ahead of the HTTP middleware stack, so every
    frame is written with the server's own send and nothing wraps it per message."""

    def __init__(self, app: ASGIApp, gateway: Gateway, path: str = "/api/ws") -> None:
        self.app = app
        self.gateway = gateway
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == self.path:
            await self.gateway(scope, receive, send)
            return
        await self.app(scope, receive, send)
