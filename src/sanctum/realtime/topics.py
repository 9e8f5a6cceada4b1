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

Access is re-checked when it may have changed, by one rule. Each topic declares the access scopes its
right depends on (`Hub.scopes`: itself, and e.g. the sanctum of a post). A change publishes "access
changed" for a scope (and a user, or everyone) after its commit, on the broker channel
`access:{scope}`, which every instance holding a topic in that scope listens to. Each of them asks the
hub again about the subscribers concerned, in each topic's turn (after the events published before
the change), and unsubscribes those who lost the right (`unsubscribed`, reason `revoked`). A subscribe
authorized before a change of one of its scopes is asked again before it is let in, and a resume
(`since`) replays only to a subscriber who passed that check.
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
from sanctum.observability.metrics import (
    REALTIME_GAP_FILLS,
    WS_ACTIVE,
    WS_DELIVERY,
    WS_SEND_ATTEMPTS,
    WS_SENT,
    WS_TOPICS_BY_SIZE,
)
from sanctum.realtime.connection import Connection, wire_frame
from sanctum.realtime.hub import HubRegistry
from sanctum.realtime.protocol import ProtocolError, error_frame
from sanctum.settings import RealtimeSettings

log = get_logger("sanctum.realtime")

# An internal, ephemeral broker event on `access:{scope}`: never written to a socket (Topics.on_access_changed).
ACCESS_EVENT = "gateway.access_changed"
ACCESS_PREFIX = "access:"
CHANGE_MEMORY_SECONDS = 120.0


class TopicState:
    __slots__ = (
        "awaiting",
        "delta_type",
        "hub",
        "key_type",
        "last_seq",
        "listening_since",
        "lock",
        "name",
        "pending",
        "scopes",
        "subscribers",
    )

    def __init__(self, name: str, hub: str, keyframes: tuple[str, str] | None = None) -> None:
        self.name = name
        self.hub = hub
        # (delta type, keyframe type) of a topic whose hub sends deltas, and the subscribers that
        # get none of its deltas until a keyframe has reached them (Hub.keyframes).
        self.delta_type: str | None = keyframes[0] if keyframes is not None else None
        self.key_type: str | None = keyframes[1] if keyframes is not None else None
        self.awaiting: set[Connection] = set()
        self.scopes: frozenset[str] = frozenset()
        self.subscribers: set[Connection] = set()
        self.last_seq = 0
        self.lock = asyncio.Lock()
        self.pending = 0
        # When this instance's broker subscription for the topic was in place (monotonic); until then
        # a revoke published elsewhere would not reach us.
        self.listening_since = math.inf


Spawn = Callable[[Coroutine[Any, Any, None]], None]
Reauthorize = Callable[[], Awaitable[bool]]


_SIZE_BUCKETS = ("1", "2-10", "11-100", "101-1000", "1001+")


def _size_bucket(subscribers: int) -> str:
    if subscribers <= 1:
        return "1"
    if subscribers <= 10:
        return "2-10"
    if subscribers <= 100:
        return "11-100"
    return "101-1000" if subscribers <= 1000 else "1001+"


def access_topic(scope: str) -> str:
    return ACCESS_PREFIX + scope


class Topics:
    def __init__(
        self, settings: RealtimeSettings, db: Database, broker: Broker, hubs: HubRegistry, spawn: Spawn
    ) -> None:
        self.settings = settings
        self.db = db
        self.broker = broker
        self.hubs = hubs
        self.spawn = spawn
        self.states: dict[str, TopicState] = {}
        self._by_scope: dict[str, set[TopicState]] = {}
        # (scope, user or None for everyone) -> when a change arrived (monotonic), so a subscribe
        # authorized before it is asked again. Pruned by `forget_old_changes`.
        self._changes: dict[tuple[str, uuid.UUID | None], float] = {}
        self._corked: dict[Connection, list[tuple[str, bytes, str, bool, float]]] | None = None
        self._cork_depth = 0
        self._sampled_hubs: set[str] = set()

    # -- from the broker ----------------------------------------------------------------------

    def on_broker_event(self, event: Event) -> None:
        if event.type == ACCESS_EVENT and event.seq is None:
            self.on_access_changed(event)
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

    def cork(self) -> None:
        """Until the matching `uncork`, frames for a socket are gathered and then written at once."""
        self._cork_depth += 1
        if self._corked is None:
            self._corked = {}

    def uncork(self) -> None:
        self._cork_depth -= 1
        if self._cork_depth > 0 or self._corked is None:
            return
        corked, self._corked = self._corked, None
        sent: dict[str, int] = {}
        for conn, items in corked.items():
            written = conn.enqueue_batch(items)
            if written:
                hub = items[0][2]
                sent[hub] = sent.get(hub, 0) + written
        for hub, count in sent.items():
            WS_SENT.labels(hub).inc(count)

    def _fanout(self, state: TopicState, event: Event) -> None:
        """Encode once, then hand the same bytes to every subscriber (gathered per socket while corked)."""
        if not state.subscribers:
            return
        frame, persistent, hub, published_at = event.frame, event.seq is not None, state.hub, event.published_at
        targets: set[Connection] = state.subscribers
        if state.awaiting:
            if event.type == state.delta_type:
                targets = state.subscribers - state.awaiting
            elif event.type == state.key_type:
                state.awaiting.clear()
        WS_SEND_ATTEMPTS.labels(hub).inc(len(targets))
        wire = wire_frame(frame)
        corked = self._corked
        if corked is not None:
            item = (frame, wire, hub, persistent, published_at)
            for conn in targets:
                batch = corked.get(conn)
                if batch is None:
                    corked[conn] = [item]
                else:
                    batch.append(item)
            return
        direct = 0
        for conn in targets:
            if conn.enqueue(frame, persistent=persistent, hub=hub, published_at=published_at, wire=wire, count=False):
                direct += conn.direct
        if direct:
            WS_SENT.labels(hub).inc(direct)
            if published_at:
                WS_DELIVERY.observe(max(0.0, time.time() - published_at))

    def sample_sizes(self) -> None:
        """Count held topics by hub and size bucket (ws_topics_by_subscribers): bounded labels, never a topic."""
        counts: dict[tuple[str, str], int] = {}
        for state in self.states.values():
            key = (state.hub, _size_bucket(len(state.subscribers)))
            counts[key] = counts.get(key, 0) + 1
        for hub in {state.hub for state in self.states.values()} | self._sampled_hubs:
            for bucket in _SIZE_BUCKETS:
                WS_TOPICS_BY_SIZE.labels(hub, bucket).set(counts.get((hub, bucket), 0))
        self._sampled_hubs |= {hub for hub, _ in counts}

    # -- access changes -----------------------------------------------------------------------

    def on_access_changed(self, event: Event) -> None:
        try:
            data = orjson.loads(event.frame)["data"]
            user_id = uuid.UUID(data["user_id"]) if data.get("user_id") else None
        except (ValueError, KeyError, TypeError):
            log.warning("realtime_bad_access_change", topic=event.topic)
            return
        scope = event.topic.removeprefix(ACCESS_PREFIX)
        self._changes[(scope, user_id)] = time.monotonic()
        for state in list(self._by_scope.get(scope, ())):
            # Behind the persistent events still being ordered, so a subscriber still gets those.
            self._in_turn(state, partial(self._recheck, state, user_id), "realtime_access_check_failed")

    async def _recheck(self, state: TopicState, user_id: uuid.UUID | None) -> None:
        """Ask the topic's hub again about its subscribers (`user_id`'s, or all); drop who lost the right."""
        hub = self.hubs.hub_for_topic(state.name)
        concerned = [c for c in state.subscribers if user_id is None or c.user_id == user_id]
        verdicts: dict[uuid.UUID, bool] = {}
        for conn in concerned:
            if conn.user_id not in verdicts:
                verdicts[conn.user_id] = hub is not None and await hub.authorize(conn.user_id, state.name)
            if not verdicts[conn.user_id] and conn in state.subscribers:
                self._drop(state, conn)

    def _drop(self, state: TopicState, conn: Connection) -> None:
        frame = dumps({"type": "unsubscribed", "topic": state.name, "reason": "revoked"})
        self.unsubscribe(conn, state.name)
        conn.enqueue(frame, persistent=True, hub=state.hub)
        log.info("ws_subscription_revoked", user_id=str(conn.user_id), connection_id=conn.id, topic=state.name)

    def _changed_since(self, scopes: frozenset[str], user_id: uuid.UUID, since: float) -> bool:
        return any(self._changes.get((scope, who), -math.inf) >= since for scope in scopes for who in (user_id, None))

    def forget_old_changes(self, now: float) -> None:
        if self._changes:
            horizon = now - CHANGE_MEMORY_SECONDS
            self._changes = {k: t for k, t in self._changes.items() if t >= horizon}

    async def _listen_to_scopes(self, state: TopicState, scopes: frozenset[str]) -> None:
        state.scopes = scopes
        for scope in scopes:
            holders = self._by_scope.setdefault(scope, set())
            if not holders:
                await self.broker.subscribe(access_topic(scope))
            holders.add(state)

    def _stop_listening_to_scopes(self, state: TopicState) -> None:
        for scope in state.scopes:
            holders = self._by_scope.get(scope)
            if holders is None:
                continue
            holders.discard(state)
            if not holders:
                del self._by_scope[scope]
                self.spawn(self._broker_unsubscribe_scope(scope))

    async def _broker_unsubscribe_scope(self, scope: str) -> None:
        if scope not in self._by_scope:  # unless a topic of that scope came back meanwhile
            await self.broker.unsubscribe(access_topic(scope))

    # -- subscriptions ------------------------------------------------------------------------

    async def subscribe(
        self,
        conn: Connection,
        topic: str,
        hub: str,
        *,
        scopes: Callable[[], Awaitable[frozenset[str]]],
        since: int | None,
        cid: str | None,
        authorized_at: float,
        reauthorize: Reauthorize,
    ) -> bool:
        """Add an authorized socket to `topic`, after replaying what it missed since `since`, and ack.

        False if the socket closed meanwhile. Raises FORBIDDEN if a change of the topic's access after
        `authorized_at` (or before this instance listened for such changes) took the right away."""
        state = self.states.get(topic)
        fresh = state is None
        if state is None:
            owner = self.hubs.hub_for_topic(topic)
            keyframes = next(iter(owner.keyframes.items()), None) if owner is not None else None
            state = self.states[topic] = TopicState(topic, hub, keyframes)
        state.pending += 1
        try:
            async with state.lock:
                if fresh:
                    await self.broker.subscribe(topic)
                    await self._listen_to_scopes(state, await scopes())
                    state.listening_since = time.monotonic()
                    async with self.db.reader(fresh=True) as session:
                        state.last_seq = await last_seq(session, topic)
                if conn.closing:
                    return False
                # A change of access published after the authorization must not be outrun: ask again if
                # one arrived since, or if this instance was not yet listening for changes then.
                stale = self._changed_since(state.scopes, conn.user_id, authorized_at)
                if (stale or state.listening_since > authorized_at) and not await reauthorize():
                    raise ProtocolError(ErrorCode.FORBIDDEN, "You may not subscribe to this topic.")
                await self._replay(conn, state, since, cid)
                state.subscribers.add(conn)
                if state.delta_type is not None:
                    state.awaiting.add(conn)  # a subscribe or resume: a keyframe before any delta
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
            state.awaiting.discard(conn)
            self._maybe_forget(state)
        return True

    def _maybe_forget(self, state: TopicState) -> None:
        if not state.subscribers and state.pending == 0 and self.states.get(state.name) is state:
            del self.states[state.name]
            self._stop_listening_to_scopes(state)
            self.spawn(self._broker_unsubscribe(state.name))

    async def _broker_unsubscribe(self, topic: str) -> None:
        # This runs later than the forget: a subscribe that arrived in between (unsubscribe and
        # resubscribe back to back) has already subscribed on the broker again and must keep it.
        if topic not in self.states:
            await self.broker.unsubscribe(topic)
