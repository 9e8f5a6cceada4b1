"""Topics: which sockets of this instance hold which topic, and gap-free ordered fanout to them.

Delivery of persistent events is gap-free per topic. Each topic this instance holds keeps the last
sequence number it delivered. An event that arrives in order is fanned out at once; one that skips
ahead makes the topic read the missing events back from the event log first; a duplicate is dropped.
The same read fills in what a subscriber missed (`since`) and what every subscriber missed while the
broker was down (`on_broker_reconnect`). Work for one topic that has to wait (a gap fill, a subscribe
with replay) holds the topic's lock, and while any such work is pending every later event of that
topic queues behind it, so order is kept without a lock on the hot path.

An instance is subscribed on the broker only to the topics its own sockets hold, and drops the
subscription when the last local subscriber leaves (cost tracks local work, not global traffic).
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import Any

import orjson

from sanctum.broker.base import Broker
from sanctum.core.errors import ErrorCode
from sanctum.core.events import Event, dumps
from sanctum.db.database import Database
from sanctum.db.eventlog import last_seq, read_events
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import REALTIME_GAP_FILLS, WS_ACTIVE, WS_DELIVERY, WS_SENT
from sanctum.realtime.connection import Connection, wire_frame
from sanctum.realtime.protocol import ProtocolError, error_frame
from sanctum.settings import RealtimeSettings

log = get_logger("sanctum.realtime")

# An internal, ephemeral broker event: never written to a socket as such (see Topics.on_revoke).
REVOKE_EVENT = "gateway.revoke"
REVOCATION_MEMORY_SECONDS = 120.0


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


Spawn = Callable[[Coroutine[Any, Any, None]], None]
Reauthorize = Callable[[], Awaitable[bool]]


class Topics:
    def __init__(self, settings: RealtimeSettings, db: Database, broker: Broker, spawn: Spawn) -> None:
        self.settings = settings
        self.db = db
        self.broker = broker
        self.spawn = spawn
        self.states: dict[str, TopicState] = {}
        # (topic, user) -> when a revoke arrived (monotonic), so a subscribe authorized just before
        # the revoke is refused instead of slipping in after it. Pruned by `forget_old_revocations`.
        self._revocations: dict[tuple[str, uuid.UUID], float] = {}

    # -- from the broker ----------------------------------------------------------------------

    def on_broker_event(self, event: Event) -> None:
        if event.type == REVOKE_EVENT and event.seq is None:
            self.on_revoke(event)
            return
        state = self.states.get(event.topic)
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
            self.spawn(self._deliver_in_order(state, event))

    async def on_broker_reconnect(self) -> None:
        for state in list(self.states.values()):
            self._in_turn(state, partial(self._catch_up, state), "realtime_catch_up_failed")

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

        self.spawn(run())

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

    # -- revocation ---------------------------------------------------------------------------

    def on_revoke(self, event: Event) -> None:
        try:
            user_id = uuid.UUID(orjson.loads(event.frame)["data"]["user_id"])
        except (ValueError, KeyError, TypeError):
            log.warning("realtime_bad_revoke", topic=event.topic)
            return
        self._revocations[(event.topic, user_id)] = time.monotonic()
        state = self.states.get(event.topic)
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
            self.unsubscribe(conn, state.name)
            conn.enqueue(frame, persistent=True, hub=state.hub)
            log.info("ws_subscription_revoked", user_id=str(user_id), connection_id=conn.id, topic=state.name)

    def _revoked_since(self, topic: str, user_id: uuid.UUID, since: float) -> bool:
        return self._revocations.get((topic, user_id), -math.inf) >= since

    def forget_old_revocations(self, now: float) -> None:
        if self._revocations:
            horizon = now - REVOCATION_MEMORY_SECONDS
            self._revocations = {k: t for k, t in self._revocations.items() if t >= horizon}

    # -- subscriptions ------------------------------------------------------------------------

    async def subscribe(
        self,
        conn: Connection,
        topic: str,
        hub: str,
        *,
        since: int | None,
        cid: str | None,
        authorized_at: float,
        reauthorize: Reauthorize,
    ) -> bool:
        """Add an authorized socket to `topic`, after replaying what it missed since `since`, and ack.

        False if the socket closed meanwhile. Raises FORBIDDEN if the right was revoked after
        `authorized_at` (or may have been, before this instance listened for revokes)."""
        state = self.states.get(topic)
        fresh = state is None
        if state is None:
            state = self.states[topic] = TopicState(topic, hub)
        state.pending += 1
        try:
            async with state.lock:
                if fresh:
                    await self.broker.subscribe(topic)
                    state.listening_since = time.monotonic()
                    async with self.db.reader(fresh=True) as session:
                        state.last_seq = await last_seq(session, topic)
                if conn.closing:
                    return False
                # A revoke published after the authorization must not be outrun: refuse if one arrived
                # since, and ask again if this instance was not yet listening for revokes then.
                if self._revoked_since(topic, conn.user_id, authorized_at) or (
                    state.listening_since > authorized_at and not await reauthorize()
                ):
                    raise ProtocolError(ErrorCode.FORBIDDEN, "You may not subscribe to this topic.")
                await self._replay(conn, state, since, cid)
                state.subscribers.add(conn)
                if topic not in conn.topics:
                    conn.topics[topic] = hub
                    conn.hubs[hub] = conn.hubs.get(hub, 0) + 1
                    if conn.hubs[hub] == 1:
                        WS_ACTIVE.labels(hub).inc()
                ack: dict[str, Any] = {"type": "subscribed", "topic": topic, "seq": state.last_seq}
                if cid is not None:
                    ack["cid"] = cid
                conn.enqueue(dumps(ack), persistent=True, hub=hub)
                return True
        finally:
            state.pending -= 1
            self._maybe_forget(state)

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

    def unsubscribe(self, conn: Connection, topic: str) -> bool:
        hub = conn.topics.pop(topic, None)
        if hub is None:
            return False
        conn.hubs[hub] -= 1
        if conn.hubs[hub] == 0:
            del conn.hubs[hub]
            WS_ACTIVE.labels(hub).dec()
        state = self.states.get(topic)
        if state is not None:
            state.subscribers.discard(conn)
            self._maybe_forget(state)
        return True

    def _maybe_forget(self, state: TopicState) -> None:
        if not state.subscribers and state.pending == 0 and self.states.get(state.name) is state:
            del self.states[state.name]
            self.spawn(self._broker_unsubscribe(state.name))

    async def _broker_unsubscribe(self, topic: str) -> None:
        # This runs later than the forget: a subscribe that arrived in between (unsubscribe and
        # resubscribe back to back) has already subscribed on the broker again and must keep it.
        if topic not in self.states:
            await self.broker.unsubscribe(topic)
