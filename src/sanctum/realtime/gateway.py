"""The gateway: accepts sockets, routes client messages to hubs and fans events out to topics.

Delivery of persistent events is gap-free per topic. Each topic this instance holds keeps the
last sequence number it delivered. An event that arrives in order is fanned out at once; one that
skips ahead makes the gateway read the missing events back from the event log first; a duplicate
is dropped. The same read fills in what a subscriber missed (`since`) and what every subscriber
missed while the broker was down (`on_broker_reconnect`). Work for one topic that has to wait
(a gap fill, a subscribe with replay) holds the topic's lock, and while any such work is pending
every later event of that topic queues behind it, so order is kept without a lock on the hot path.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.types import Receive, Scope, Send

from sanctum.broker.base import Broker
from sanctum.db.database import Database
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import (
    REALTIME_GAP_FILLS,
    WS_ACTIVE,
    WS_CONNECTIONS,
    WS_DELIVERY,
    WS_RECEIVED,
    WS_SENT,
)
from sanctum.realtime.connection import GATEWAY_HUB, Connection, wire_frame
from sanctum.realtime.eventlog import append_event, last_seq, read_events
from sanctum.realtime.hub import HubRegistry, Sender
from sanctum.realtime.presence import ConnectionRegistry
from sanctum.realtime.protocol import (
    ClientMessage,
    CloseCode,
    ErrorCode,
    Event,
    ProtocolError,
    dumps,
    error_frame,
    make_event,
    parse_client_message,
)
from sanctum.realtime.tickets import TicketStore, TicketStoreUnavailable
from sanctum.settings import RealtimeSettings

log = get_logger("sanctum.realtime")

PING_FRAME = dumps({"type": "ping"})
PONG_FRAME = dumps({"type": "pong"})
_CLOSE_CAUSES: dict[int, str] = {
    CloseCode.SLOW_OR_SILENT: "slow_or_silent",
    CloseCode.POLICY: "policy",
    CloseCode.GOING_AWAY: "server_shutdown",
}
# An internal, ephemeral broker event: never written to a socket as such (see Gateway.revoke).
REVOKE_EVENT = "gateway.revoke"
REVOCATION_MEMORY_SECONDS = 120.0
_TOKEN_PARAMS = ("token", "access_token", "jwt", "authorization", "bearer")


class TopicState:
    __slots__ = ("hub", "last_seq", "listening_since", "lock", "name", "pending", "subscribers")

    def __init__(self, name: str, hub: str) -> None:
        self.name = name
        self.hub = hub
        self.subscribers: set[Connection] = set()
        self.last_seq = 0
        self.lock = asyncio.Lock()
        self.pending = 0
        # When this instance's broker subscription for the topic was in place (monotonic); until then
        # a revoke published elsewhere would not reach us.
        self.listening_since = math.inf


class Gateway:
    def __init__(
        self,
        settings: RealtimeSettings,
        db: Database,
        broker: Broker,
        tickets: TicketStore,
        registry: ConnectionRegistry,
        hubs: HubRegistry,
    ) -> None:
        self.settings = settings
        self.db = db
        self.broker = broker
        self.tickets = tickets
        self.registry = registry
        self.hubs = hubs
        self.connections: dict[str, Connection] = {}
        self.topics: dict[str, TopicState] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = False
        # (topic, user) -> when a revoke arrived (monotonic), so a subscribe authorized just before
        # the revoke is refused instead of slipping in after it. Pruned by the sweeper.
        self._revocations: dict[tuple[str, uuid.UUID], float] = {}

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        await self.broker.start(self._on_broker_event, self._on_broker_reconnect)
        self._sweeper = asyncio.create_task(self._sweep(), name="ws-heartbeat")

    async def stop(self) -> None:
        self._stopping = True
        for conn in list(self.connections.values()):
            conn.close(CloseCode.GOING_AWAY, "server shutting down")
        for conn in list(self.connections.values()):
            await conn.wait_writer(1.0)
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for task in list(self._tasks):
            task.cancel()
        await self.broker.stop()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- publishing (called by domains) -------------------------------------------------------

    async def publish(self, event: Event) -> None:
        """Fan out an event on every instance. Persistent events must already be in the log."""
        event = replace(event, published_at=time.time())
        if not await self.broker.publish(event):
            # The broker is down: deliver here; other instances catch up from the log when it returns.
            self._on_broker_event(event)

    async def publish_ephemeral(self, topic: str, type_: str, data: Any) -> None:
        await self.publish(make_event(topic, type_, data))

    async def publish_persistent(self, topic: str, type_: str, data: Any) -> Event:
        """Log and publish an event that is not part of a larger change."""
        async with self.db.write_connection() as conn:
            event = await append_event(conn, topic, type_, data)
        await self.publish(event)
        return event

    async def revoke(self, topic: str, user_id: uuid.UUID) -> None:
        """Unsubscribe every socket of `user_id` from `topic`, on every instance.

        Call it after the change that took the right away (leaving a room) has committed and the
        caches that `authorize` reads are invalidated. Each socket gets `unsubscribed` with reason
        `revoked`, after the events published before the revoke.
        """
        await self.publish(make_event(topic, REVOKE_EVENT, {"user_id": str(user_id)}))

    def send_to_connection(self, connection_id: str, frame: str) -> bool:
        conn = self.connections.get(connection_id)
        return conn is not None and conn.enqueue(frame, persistent=False)

    # -- broker side --------------------------------------------------------------------------

    def _on_broker_event(self, event: Event) -> None:
        if event.type == REVOKE_EVENT and event.seq is None:
            self._on_revoke(event)
            return
        state = self.topics.get(event.topic)
        if state is None:
            return
        if event.seq is None:
            self._fanout(state, event)
        elif state.pending == 0 and event.seq == state.last_seq + 1:
            state.last_seq = event.seq
            self._fanout(state, event)
        elif state.pending == 0 and event.seq <= state.last_seq:
            return
        else:
            state.pending += 1
            self._spawn(self._deliver_in_order(state, event))

    async def _deliver_in_order(self, state: TopicState, event: Event) -> None:
        try:
            async with state.lock:
                assert event.seq is not None
                if event.seq > state.last_seq + 1:
                    await self._catch_up(state, upto=event.seq - 1)
                if event.seq == state.last_seq + 1:
                    state.last_seq = event.seq
                    self._fanout(state, event)
        except Exception:
            log.exception("realtime_ordered_delivery_failed", topic=state.name)
        finally:
            state.pending -= 1
            self._maybe_forget(state)

    def _on_revoke(self, event: Event) -> None:
        try:
            user_id = uuid.UUID(orjson.loads(event.frame)["data"]["user_id"])
        except (ValueError, KeyError, TypeError):
            log.warning("realtime_bad_revoke", topic=event.topic)
            return
        self._revocations[(event.topic, user_id)] = time.monotonic()
        state = self.topics.get(event.topic)
        if state is None:
            return
        if state.pending == 0:
            self._drop_user(state, user_id)
        else:
            # Behind the persistent events still being ordered, so the user still gets those.
            self._in_turn(state, partial(self._drop_user, state, user_id), "realtime_revoke_failed")

    def _drop_user(self, state: TopicState, user_id: uuid.UUID) -> None:
        frame = dumps({"type": "unsubscribed", "topic": state.name, "reason": "revoked"})
        for conn in [c for c in state.subscribers if c.user_id == user_id]:
            self._unsubscribe(conn, state.name)
            conn.enqueue(frame, persistent=True, hub=state.hub)
            log.info("ws_subscription_revoked", user_id=str(user_id), connection_id=conn.id, topic=state.name)

    def _revoked_since(self, topic: str, user_id: uuid.UUID, since: float) -> bool:
        return self._revocations.get((topic, user_id), -math.inf) >= since

    async def _catch_up(self, state: TopicState, upto: int | None = None) -> None:
        """Deliver logged events after `state.last_seq` (up to `upto`) to the topic's subscribers."""
        while True:
            async with self.db.reader(fresh=True) as session:
                events = await read_events(
                    session, state.name, after=state.last_seq, upto=upto, limit=self.settings.replay_limit
                )
            for event in events:
                if event.seq == state.last_seq + 1:
                    state.last_seq = event.seq
                    REALTIME_GAP_FILLS.inc()
                    self._fanout(state, event)
            if len(events) < self.settings.replay_limit:
                return

    async def _on_broker_reconnect(self) -> None:
        for state in list(self.topics.values()):
            self._in_turn(state, partial(self._catch_up, state), "realtime_catch_up_failed")

    def _in_turn(self, state: TopicState, work: Callable[[], Awaitable[None] | None], failure: str) -> None:
        """Run `work` under the topic's lock, after what is queued there; the topic is kept meanwhile."""
        state.pending += 1

        async def run() -> None:
            try:
                async with state.lock:
                    done = work()
                    if done is not None:
                        await done
            except Exception:
                log.exception(failure, topic=state.name)
            finally:
                state.pending -= 1
                self._maybe_forget(state)

        self._spawn(run())

    @staticmethod
    def _fanout(state: TopicState, event: Event) -> None:
        """Encode once, then hand the same bytes to every subscriber."""
        if not state.subscribers:
            return
        frame, persistent, hub, published_at = event.frame, event.seq is not None, state.hub, event.published_at
        wire = wire_frame(frame)
        direct = 0
        for conn in state.subscribers:
            if conn.enqueue(frame, persistent=persistent, hub=hub, published_at=published_at, wire=wire, count=False):
                direct += conn.direct
        if direct:
            WS_SENT.labels(hub).inc(direct)
            if published_at:
                WS_DELIVERY.observe(max(0.0, time.time() - published_at))

    def _maybe_forget(self, state: TopicState) -> None:
        if not state.subscribers and state.pending == 0 and self.topics.get(state.name) is state:
            del self.topics[state.name]
            self._spawn(self._broker_unsubscribe(state.name))

    async def _broker_unsubscribe(self, topic: str) -> None:
        # This runs later than the forget: a subscribe that arrived in between (unsubscribe and
        # resubscribe back to back) has already subscribed on the broker again and must keep it.
        if topic not in self.topics:
            await self.broker.unsubscribe(topic)

    # -- subscriptions ------------------------------------------------------------------------

    async def _subscribe(self, conn: Connection, msg: ClientMessage) -> None:
        topic, since = msg.topic, msg.raw.get("since")
        if topic is None:
            raise ProtocolError(ErrorCode.BAD_MESSAGE, "`topic` is required.")
        if since is not None and (not isinstance(since, int) or isinstance(since, bool) or since < 0):
            raise ProtocolError(ErrorCode.BAD_MESSAGE, "`since` must be a non-negative integer.")
        started = time.monotonic()
        hub = self.hubs.hub_for_topic(topic)
        if hub is None or not await hub.authorize(conn.user_id, topic):
            # The same answer for unknown and forbidden topics reveals nothing about what exists.
            raise ProtocolError(ErrorCode.FORBIDDEN, "You may not subscribe to this topic.")
        if topic not in conn.topics and len(conn.topics) >= self.settings.max_subscriptions:
            raise ProtocolError(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "Too many subscriptions on this connection.")
        state = self.topics.get(topic)
        fresh = state is None
        if state is None:
            state = self.topics[topic] = TopicState(topic, hub.name)
        state.pending += 1
        try:
            async with state.lock:
                if fresh:
                    await self.broker.subscribe(topic)
                    state.listening_since = time.monotonic()
                    async with self.db.reader(fresh=True) as session:
                        state.last_seq = await last_seq(session, topic)
                if conn.closing:
                    return
                # A revoke published after the authorization above must not be outrun: refuse if one
                # arrived since, and ask again if this instance was not yet listening for revokes then.
                if self._revoked_since(topic, conn.user_id, started) or (
                    state.listening_since > started and not await hub.authorize(conn.user_id, topic)
                ):
                    raise ProtocolError(ErrorCode.FORBIDDEN, "You may not subscribe to this topic.")
                await self._replay(conn, state, since, msg.cid)
                state.subscribers.add(conn)
                if topic not in conn.topics:
                    conn.topics[topic] = hub.name
                    conn.hubs[hub.name] = conn.hubs.get(hub.name, 0) + 1
                    if conn.hubs[hub.name] == 1:
                        WS_ACTIVE.labels(hub.name).inc()
                ack: dict[str, Any] = {"type": "subscribed", "topic": topic, "seq": state.last_seq}
                if msg.cid is not None:
                    ack["cid"] = msg.cid
                conn.enqueue(dumps(ack), persistent=True, hub=hub.name)
        finally:
            state.pending -= 1
            self._maybe_forget(state)
        for frame in await hub.on_subscribe(self, conn.user_id, topic):
            conn.enqueue(dumps(frame), persistent=False, hub=hub.name)

    async def _replay(self, conn: Connection, state: TopicState, since: int | None, cid: str | None) -> None:
        if since is None or since >= state.last_seq:
            return
        if state.last_seq - since > self.settings.replay_limit:
            conn.enqueue(
                error_frame(
                    ErrorCode.RESYNC_REQUIRED,
                    "Too many events were missed to replay; reload this topic's state.",
                    cid,
                    {"topic": state.name, "seq": state.last_seq},
                ),
                persistent=True,
                hub=state.hub,
            )
            return
        async with self.db.reader(fresh=True) as session:
            # At most replay_limit events (checked above), which may be more than read_events' default.
            events = await read_events(
                session, state.name, after=since, upto=state.last_seq, limit=self.settings.replay_limit
            )
        for event in events:
            if not conn.enqueue(event.frame, persistent=True, hub=state.hub):
                return

    def _unsubscribe(self, conn: Connection, topic: str) -> bool:
        hub = conn.topics.pop(topic, None)
        if hub is None:
            return False
        conn.hubs[hub] -= 1
        if conn.hubs[hub] == 0:
            del conn.hubs[hub]
            WS_ACTIVE.labels(hub).dec()
        state = self.topics.get(topic)
        if state is not None:
            state.subscribers.discard(conn)
            self._maybe_forget(state)
        return True

    # -- the socket ---------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        connection_id = uuid.uuid4().hex[:16]
        user_id = await self._authenticate(scope, receive, send, connection_id)
        if user_id is None:
            return
        accepted, count = await self.registry.add(user_id, connection_id, self.settings.max_connections_per_user)
        if not accepted:
            WS_CONNECTIONS.labels("over_limit").inc()
            log.warning(
                "ws_connection_limit",
                user_id=str(user_id),
                connection_id=connection_id,
                limit=self.settings.max_connections_per_user,
                open=count,
            )
            await self._refuse(send, CloseCode.TOO_MANY_CONNECTIONS, "too many connections for this user")
            return
        conn = Connection(
            send,
            user_id,
            max_queue=self.settings.send_queue_size,
            max_buffer_bytes=self.settings.send_buffer_bytes,
            connection_id=connection_id,
        )
        conn.tokens = float(self.settings.message_burst)
        cause = "client_closed"
        try:
            await send({"type": "websocket.accept"})
            WS_CONNECTIONS.labels("accepted").inc()
            WS_ACTIVE.labels(GATEWAY_HUB).inc()
            self.connections[connection_id] = conn
            conn.start()
            conn.enqueue(
                dumps(
                    {
                        "type": "hello",
                        "connection_id": connection_id,
                        "user_id": str(user_id),
                        "heartbeat": {
                            "interval": self.settings.heartbeat_interval_seconds,
                            "timeout": self.settings.heartbeat_timeout_seconds,
                        },
                    }
                ),
                persistent=True,
            )
            log.info("ws_connected", user_id=str(user_id), connection_id=connection_id, user_sockets=count)
            for hub in self.hubs.hubs:
                await hub.on_connect(self, user_id, count == 1)
            cause = await self._read_loop(conn, receive)
        finally:
            await self._cleanup(conn, cause)

    async def _authenticate(self, scope: Scope, receive: Receive, send: Send, connection_id: str) -> uuid.UUID | None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        ticket = (query.get("ticket") or [""])[0]
        if any(name in query for name in _TOKEN_PARAMS) or ticket.startswith("eyJ") or ticket.count(".") == 2:
            WS_CONNECTIONS.labels("token_in_url").inc()
            await self._refuse(send, CloseCode.BAD_TICKET, "access tokens are not accepted in URLs; use a ticket")
            return None
        if not ticket or len(ticket) > 128:
            WS_CONNECTIONS.labels("bad_ticket").inc()
            await self._refuse(send, CloseCode.BAD_TICKET, "a ticket from POST /api/ws/ticket is required")
            return None
        try:
            user_id = await self.tickets.consume(ticket)
        except TicketStoreUnavailable:
            WS_CONNECTIONS.labels("unavailable").inc()
            await self._refuse(send, 1013, "try again later")
            return None
        if user_id is None:
            WS_CONNECTIONS.labels("bad_ticket").inc()
            log.info("ws_refused", reason="bad_ticket", connection_id=connection_id)
            await self._refuse(send, CloseCode.BAD_TICKET, "the ticket is invalid, expired or already used")
            return None
        return user_id

    @staticmethod
    async def _refuse(send: Send, code: int, reason: str) -> None:
        # Accept first so the browser sees our close code and reason instead of a bare HTTP 403.
        with contextlib.suppress(Exception):
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": code, "reason": reason})

    async def _read_loop(self, conn: Connection, receive: Receive) -> str:
        while True:
            message = await receive()
            kind = message["type"]
            if kind == "websocket.disconnect":
                if conn.closing and conn.close_code is not None:
                    return _CLOSE_CAUSES.get(conn.close_code, "server_closed")
                code = message.get("code", 1005)
                # uvicorn closes every socket with 1012 when the server stops, before our shutdown runs.
                return "server_shutdown" if code == 1012 else f"client_closed:{code}"
            if kind != "websocket.receive" or conn.closing:
                continue
            data = message.get("text")
            if data is None:
                data = message.get("bytes") or b""
            conn.last_seen = time.monotonic()
            conn.ping_sent_at = None
            await self._on_frame(conn, data)

    async def _on_frame(self, conn: Connection, data: str | bytes) -> None:
        cid: str | None = None
        try:
            size = len(data) if isinstance(data, bytes) or data.isascii() else len(data.encode())
            if size > self.settings.max_frame_bytes:
                raise ProtocolError(
                    ErrorCode.FRAME_TOO_LARGE,
                    f"Frames are limited to {self.settings.max_frame_bytes} bytes.",
                    {"limit_bytes": self.settings.max_frame_bytes},
                )
            if not self._take_token(conn):
                raise ProtocolError(ErrorCode.RATE_LIMITED, "Slow down: too many messages.")
            msg = parse_client_message(data)
            cid = msg.cid
            await self._dispatch(conn, msg)
        except ProtocolError as exc:
            self._strike(conn)
            conn.enqueue(error_frame(exc.code, exc.message, cid, exc.details), persistent=False)
        except Exception:
            log.exception("ws_handler_failed", user_id=str(conn.user_id), connection_id=conn.id)
            conn.enqueue(
                error_frame(ErrorCode.INTERNAL, "Something went wrong handling that message.", cid), persistent=False
            )

    async def _dispatch(self, conn: Connection, msg: ClientMessage) -> None:
        kind = msg.type
        if kind == "pong":
            return
        if kind == "ping":
            conn.enqueue(PONG_FRAME, persistent=False)
            return
        if kind == "subscribe":
            WS_RECEIVED.labels(GATEWAY_HUB).inc()
            await self._subscribe(conn, msg)
            return
        if kind == "unsubscribe":
            WS_RECEIVED.labels(GATEWAY_HUB).inc()
            if msg.topic is None or not self._unsubscribe(conn, msg.topic):
                raise ProtocolError(ErrorCode.NOT_SUBSCRIBED, "Not subscribed to that topic.")
            ack: dict[str, Any] = {"type": "unsubscribed", "topic": msg.topic}
            if msg.cid is not None:
                ack["cid"] = msg.cid
            conn.enqueue(dumps(ack), persistent=False)
            return
        found = self.hubs.handler_for(kind)
        if found is None:
            raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"Unknown message type {kind[:64]!r}.")
        hub, handler = found
        WS_RECEIVED.labels(hub.name).inc()
        if msg.topic is not None and hub.prefixes and not msg.topic.startswith(hub.prefixes):
            raise ProtocolError(ErrorCode.FORBIDDEN, "That topic does not belong to this message type.")
        await handler(self, Sender(conn.user_id, conn.id), msg)

    def is_subscribed(self, connection_id: str, topic: str) -> bool:
        conn = self.connections.get(connection_id)
        return conn is not None and topic in conn.topics

    def _take_token(self, conn: Connection) -> bool:
        now = time.monotonic()
        rate, burst = self.settings.messages_per_second, self.settings.message_burst
        conn.tokens = min(burst, conn.tokens + (now - conn.tokens_at) * rate)
        conn.tokens_at = now
        if conn.tokens < 1:
            return False
        conn.tokens -= 1
        return True

    def _strike(self, conn: Connection) -> None:
        now = time.monotonic()
        conn.strikes = max(0.0, conn.strikes - (now - conn.strikes_at)) + 1
        conn.strikes_at = now
        if conn.strikes > self.settings.max_strikes:
            log.warning("ws_abusive_client", user_id=str(conn.user_id), connection_id=conn.id)
            conn.close(CloseCode.POLICY, "too many invalid messages")

    async def _cleanup(self, conn: Connection, cause: str) -> None:
        for topic in list(conn.topics):
            self._unsubscribe(conn, topic)
        if self.connections.pop(conn.id, None) is not None:
            WS_ACTIVE.labels(GATEWAY_HUB).dec()
        if conn.closing:
            await conn.wait_writer(1.0)
        await conn.stop()
        try:
            remaining = await self.registry.remove(conn.user_id, conn.id)
            if not self._stopping:
                for hub in self.hubs.hubs:
                    await hub.on_disconnect(self, conn.user_id, remaining == 0)
        except Exception:
            log.exception("ws_cleanup_failed", user_id=str(conn.user_id), connection_id=conn.id)
        log.info(
            "ws_disconnected",
            user_id=str(conn.user_id),
            connection_id=conn.id,
            cause=cause,
            close_code=conn.close_code,
            reason=conn.close_reason or None,
        )

    # -- heartbeat ----------------------------------------------------------------------------

    async def _sweep(self) -> None:
        interval = self.settings.heartbeat_interval_seconds
        timeout = self.settings.heartbeat_timeout_seconds
        renew_every = self.settings.lease_seconds / 3
        tick = max(0.05, min(5.0, min(interval, timeout) / 2, renew_every))
        last_renew = time.monotonic()
        while True:
            await asyncio.sleep(tick)
            now = time.monotonic()
            for conn in list(self.connections.values()):
                if conn.closing:
                    continue
                if conn.ping_sent_at is not None:
                    if now - conn.ping_sent_at > timeout:
                        log.info("ws_heartbeat_timeout", user_id=str(conn.user_id), connection_id=conn.id)
                        conn.close(CloseCode.SLOW_OR_SILENT, "heartbeat timeout")
                elif now - conn.last_seen >= interval:
                    conn.ping_sent_at = now
                    conn.enqueue(PING_FRAME, persistent=False)
            if self._revocations:
                horizon = now - REVOCATION_MEMORY_SECONDS
                self._revocations = {k: t for k, t in self._revocations.items() if t >= horizon}
            if now - last_renew >= renew_every:
                last_renew = now
                with contextlib.suppress(Exception):
                    await self.registry.renew([(c.user_id, c.id) for c in self.connections.values()])
                # Sockets of a crashed instance: their users went offline without anyone saying so.
                for user_id in await self.registry.reap():
                    for hub in self.hubs.hubs:
                        with contextlib.suppress(Exception):
                            await hub.on_disconnect(self, user_id, True)


class GatewayMiddleware:
    """Routes `/api/ws` straight to the gateway, ahead of the HTTP middleware stack, so every
    frame is written with the server's own send and nothing wraps it per message."""

    def __init__(self, app: Any, gateway: Gateway, path: str = "/api/ws") -> None:
        self.app = app
        self.gateway = gateway
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == self.path:
            await self.gateway(scope, receive, send)
            return
        await self.app(scope, receive, send)
