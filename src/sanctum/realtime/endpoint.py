"""The socket endpoint: accepts a WebSocket, authenticates its ticket, reads its frames and dispatches them.

Per socket: a single-use ticket from `POST /api/ws/ticket` (never a token in the URL), a cap on sockets
per user across instances (the connection registry), a token bucket on incoming messages (the limit
`ws_messages`), strikes for invalid ones (too many close the socket, 1008), and a heartbeat (a silent
client is closed, 4408). A hub command also spends its declared named limit of its sender's allowance
(`Command.limit`, the same limiter and limits as HTTP routes); a refusal is an error frame with the
limit and `retry_after`, no strike.
`subscribe` / `unsubscribe` go to the topics (realtime/topics.py) once the topic's hub has authorized
them; every other message type goes to the hub that registered it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from typing import Any
from urllib.parse import parse_qs

import orjson
from opentelemetry.trace import SpanKind
from starlette.types import Receive, Scope, Send

from sanctum.core.errors import AppError, ErrorCode
from sanctum.core.events import Event, dumps
from sanctum.db.outage import as_unavailable
from sanctum.observability import tracing
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import RATE_LIMITED, WS_ACTIVE, WS_CONNECTIONS, WS_RECEIVED
from sanctum.ratelimit import RateLimiter
from sanctum.realtime.connection import GATEWAY_HUB, Connection
from sanctum.realtime.hub import HubRegistry, Sender
from sanctum.realtime.presence import ConnectionRegistry
from sanctum.realtime.protocol import (
    ClientMessage,
    CloseCode,
    ProtocolError,
    Subscribe,
    Unsubscribe,
    error_frame,
    parse_client_message,
    validate_command,
)
from sanctum.realtime.publisher import Publisher
from sanctum.realtime.tickets import TicketOwner, TicketStore, TicketStoreUnavailable
from sanctum.realtime.topics import Topics
from sanctum.settings import RealtimeSettings

log = get_logger("sanctum.realtime")

PING_FRAME = dumps({"type": "ping"})
PONG_FRAME = dumps({"type": "pong"})
_CLOSE_CAUSES: dict[int, str] = {
    CloseCode.SLOW_OR_SILENT: "slow_or_silent",
    CloseCode.POLICY: "policy",
    CloseCode.GOING_AWAY: "server_shutdown",
}
_TOKEN_PARAMS = ("token", "access_token", "jwt", "authorization", "bearer")
# A user's sessions that ended: an internal broker event on `sessions:{user}`, never sent to a socket.
SESSIONS_PREFIX = "sessions:"
SESSIONS_ENDED = "gateway.sessions_ended"
# The name the per-socket message bucket's refusals carry (REALTIME__MESSAGES_PER_SECOND, _BURST).
WS_MESSAGES_LIMIT = "ws_messages"


def sessions_topic(user_id: uuid.UUID) -> str:
    return SESSIONS_PREFIX + str(user_id)


class SocketEndpoint:
    def __init__(
        self,
        settings: RealtimeSettings,
        tickets: TicketStore,
        registry: ConnectionRegistry,
        hubs: HubRegistry,
        topics: Topics,
        publisher: Publisher,
        limiter: RateLimiter,
    ) -> None:
        self.settings = settings
        self.limiter = limiter
        self.tickets = tickets
        self.registry = registry
        self.hubs = hubs
        self.topics = topics
        self.publisher = publisher
        self.connections: dict[str, Connection] = {}
        self.stopping = False
        # Local sockets per user, so this instance listens on `sessions:{user}` while it holds any.
        self._by_user: dict[uuid.UUID, set[Connection]] = {}

    async def close_all(self) -> None:
        self.stopping = True
        for conn in list(self.connections.values()):
            conn.close(CloseCode.GOING_AWAY, "server shutting down")
        for conn in list(self.connections.values()):
            await conn.wait_writer(1.0)

    def send_to_connection(self, connection_id: str, frame: str) -> bool:
        conn = self.connections.get(connection_id)
        return conn is not None and conn.enqueue(frame, persistent=False)

    def is_subscribed(self, connection_id: str, topic: str) -> bool:
        conn = self.connections.get(connection_id)
        return conn is not None and topic in conn.topics

    # -- a socket's life ----------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        connection_id = uuid.uuid4().hex[:16]
        owner = await self._authenticate(scope, send, connection_id)
        if owner is None:
            return
        user_id = owner.user_id
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
        conn.session_id = owner.session_id
        cause = "client_closed"
        try:
            await send({"type": "websocket.accept"})
            WS_CONNECTIONS.labels("accepted").inc()
            WS_ACTIVE.labels(GATEWAY_HUB).inc()
            self.connections[connection_id] = conn
            await self._hold_user(conn)
            conn.start()
            heartbeat = {
                "interval": self.settings.heartbeat_interval_seconds,
                "timeout": self.settings.heartbeat_timeout_seconds,
            }
            hello = {"type": "hello", "connection_id": connection_id, "user_id": str(user_id), "heartbeat": heartbeat}
            conn.enqueue(dumps(hello), persistent=True)
            log.info("ws_connected", user_id=str(user_id), connection_id=connection_id, user_sockets=count)
            for hub in self.hubs.hubs:
                await hub.on_connect(self.publisher, user_id, count == 1)
            cause = await self._read_loop(conn, receive)
        finally:
            await self._cleanup(conn, cause)

    async def _authenticate(self, scope: Scope, send: Send, connection_id: str) -> TicketOwner | None:
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
            owner = await self.tickets.consume(ticket)
        except TicketStoreUnavailable:
            WS_CONNECTIONS.labels("unavailable").inc()
            await self._refuse(send, 1013, "try again later")
            return None
        if owner is None:
            WS_CONNECTIONS.labels("bad_ticket").inc()
            log.info("ws_refused", reason="bad_ticket", connection_id=connection_id)
            await self._refuse(send, CloseCode.BAD_TICKET, "the ticket is invalid, expired or already used")
            return None
        return owner

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

    async def _cleanup(self, conn: Connection, cause: str) -> None:
        for topic in list(conn.topics):
            self.topics.unsubscribe(conn, topic)
        if self.connections.pop(conn.id, None) is not None:
            WS_ACTIVE.labels(GATEWAY_HUB).dec()
        await self._release_user(conn)
        if conn.closing:
            await conn.wait_writer(1.0)
        await conn.stop()
        try:
            remaining = await self.registry.remove(conn.user_id, conn.id)
            if not self.stopping:
                for hub in self.hubs.hubs:
                    await hub.on_disconnect(self.publisher, conn.user_id, remaining == 0)
        except Exception as exc:
            if as_unavailable(exc) is None:
                log.exception("ws_cleanup_failed", user_id=str(conn.user_id), connection_id=conn.id)
        log.info(
            "ws_disconnected",
            user_id=str(conn.user_id),
            connection_id=conn.id,
            cause=cause,
            close_code=conn.close_code,
            reason=conn.close_reason or None,
        )

    # -- sessions -----------------------------------------------------------------------------

    async def _hold_user(self, conn: Connection) -> None:
        held = self._by_user.setdefault(conn.user_id, set())
        if not held:
            await self.topics.broker.subscribe(sessions_topic(conn.user_id))
        held.add(conn)

    async def _release_user(self, conn: Connection) -> None:
        held = self._by_user.get(conn.user_id)
        if held is None or conn not in held:
            return
        held.discard(conn)
        if not held:
            del self._by_user[conn.user_id]
            with contextlib.suppress(Exception):
                await self.topics.broker.unsubscribe(sessions_topic(conn.user_id))

    def on_sessions_ended(self, event: Event) -> None:
        """Sessions of a user ended (logout, revocation, deletion): close their sockets here."""
        try:
            user_id = uuid.UUID(event.topic.removeprefix(SESSIONS_PREFIX))
            data = orjson.loads(event.frame)["data"]
            ended = None if data.get("all") else {uuid.UUID(s) for s in data["session_ids"]}
        except (ValueError, KeyError, TypeError):
            log.warning("realtime_bad_sessions_ended", topic=event.topic)
            return
        for conn in list(self._by_user.get(user_id, ())):
            if ended is None or conn.session_id in ended:
                log.info("ws_session_ended", user_id=str(user_id), connection_id=conn.id)
                conn.close(CloseCode.BAD_TICKET, "the session has ended")

    # -- frames -------------------------------------------------------------------------------

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
                RATE_LIMITED.labels(WS_MESSAGES_LIMIT).inc()
                retry_after = max(1, math.ceil(1 / self.settings.messages_per_second))
                details = {"limit": WS_MESSAGES_LIMIT, "retry_after": retry_after}
                raise ProtocolError(ErrorCode.RATE_LIMITED, "Slow down: too many messages.", details)
            msg = parse_client_message(data)
            cid = msg.cid
            await self._dispatch(conn, msg)
        except ProtocolError as exc:
            self._strike(conn)
            conn.enqueue(error_frame(exc.code, exc.message, cid, exc.details), persistent=False)
        except Exception as exc:
            conn.enqueue(self._failure_frame(conn, exc, cid), persistent=False)

    @staticmethod
    def _failure_frame(conn: Connection, exc: Exception, cid: str | None) -> str:
        """A refusal the client did not cause (no strike): an AppError a command raised (the database
        unavailable: 503's code with retry_after, the socket stays open), else an internal error."""
        refusal = exc if isinstance(exc, AppError) else as_unavailable(exc)
        if refusal is not None:
            details = refusal.details if refusal.public_details else None
            return error_frame(refusal.code, refusal.message, cid, details)
        log.error("ws_handler_failed", user_id=str(conn.user_id), connection_id=conn.id, exc_info=exc)
        return error_frame(ErrorCode.INTERNAL_ERROR, "Something went wrong handling that message.", cid)

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
            request = validate_command(Unsubscribe, msg)
            if not self.topics.unsubscribe(conn, request.topic):
                raise ProtocolError(ErrorCode.NOT_SUBSCRIBED, "Not subscribed to that topic.")
            ack: dict[str, Any] = {"type": "unsubscribed", "topic": msg.topic}
            if msg.cid is not None:
                ack["cid"] = msg.cid
            conn.enqueue(dumps(ack), persistent=False)
            return
        found = self.hubs.handler_for(kind)
        if found is None:
            raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"Unknown message type {kind[:64]!r}.")
        hub, command = found
        WS_RECEIVED.labels(hub.name).inc()
        if msg.topic is not None and hub.prefixes and not msg.topic.startswith(hub.prefixes):
            raise ProtocolError(ErrorCode.FORBIDDEN, "That topic does not belong to this message type.")
        if command.limit is not None:
            await self.limiter.hit(command.limit, str(conn.user_id))
        request = validate_command(command.model, msg)
        sender = Sender(conn.user_id, conn.id, msg.cid)
        if not tracing.active():
            await command.run(self.publisher, sender, request)
            return
        # A command starts a trace, or continues the client's if it sent a W3C `traceparent`.
        parent = msg.raw.get("traceparent")
        attributes = {"sanctum.hub": hub.name, "sanctum.ws.type": kind, "sanctum.connection_id": conn.id}
        with tracing.span(
            f"ws {kind}",
            parent=parent if isinstance(parent, str) and len(parent) <= 64 else None,
            kind=SpanKind.SERVER,
            attributes=attributes,
        ):
            await command.run(self.publisher, sender, request)

    async def _subscribe(self, conn: Connection, msg: ClientMessage) -> None:
        request = validate_command(Subscribe, msg)
        topic, since = request.topic, request.since
        started = time.monotonic()
        hub = self.hubs.hub_for_topic(topic)
        if hub is None or not await hub.authorize(conn.user_id, topic):
            # The same answer for unknown and forbidden topics reveals nothing about what exists.
            raise ProtocolError(ErrorCode.FORBIDDEN, "You may not subscribe to this topic.")
        if topic not in conn.topics and len(conn.topics) >= self.settings.max_subscriptions:
            raise ProtocolError(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "Too many subscriptions on this connection.")

        async def reauthorize() -> bool:
            return await hub.authorize(conn.user_id, topic)

        async def scopes() -> frozenset[str]:
            return frozenset({topic}) | await hub.scopes(topic)

        subscribed = await self.topics.subscribe(
            conn,
            topic,
            hub.name,
            scopes=scopes,
            since=since,
            cid=msg.cid,
            authorized_at=started,
            reauthorize=reauthorize,
        )
        if subscribed:
            for frame in await hub.on_subscribe(self.publisher, conn.user_id, topic):
                conn.enqueue(dumps(frame), persistent=False, hub=hub.name)

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

    # -- heartbeat ----------------------------------------------------------------------------

    async def sweep(self) -> None:
        """Forever: ping quiet sockets, close silent ones, renew this instance's socket leases and say
        offline for the users of a crashed instance's sockets."""
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
            self.topics.forget_old_changes(now)
            if now - last_renew >= renew_every:
                last_renew = now
                self.topics.sample_sizes()
                with contextlib.suppress(Exception):
                    await self.registry.renew([(c.user_id, c.id) for c in self.connections.values()])
                # Sockets of a crashed instance: their users went offline without anyone saying so.
                for user_id in await self.registry.reap():
                    for hub in self.hubs.hubs:
                        with contextlib.suppress(Exception):
                            await hub.on_disconnect(self.publisher, user_id, True)
