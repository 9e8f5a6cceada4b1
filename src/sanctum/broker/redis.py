"""Redis pub/sub broker for scaled mode.

One channel per topic; an instance subscribes only to topics its own sockets hold. The reader runs
on its own connection with no hidden retries: when Redis goes away the loop notices, reconnects
with backoff, resubscribes every wanted topic and calls `on_reconnect` so the gateway can read the
events it missed back from the event log. When a publish fails, the event is still delivered to this
instance's own subscribers and the caller told so (False); remote instances catch up from the log.

Publishing is coalesced: events published while a previous batch is in flight go out together as
one pipeline (one connection, one write, one read of the replies), in the order they were published.
A hundred game rooms at 30 Hz are 3,000 PUBLISH commands a second; one at a time, redis-py's
per-command overhead was a third of the instance's CPU. Nothing waits for a timer: a lone event
goes out at once.

Local-first (`local_first=True`, the gateway's broker and the games bus): this instance's
subscribers get an event at once, from the publishing call, and it goes to Redis only when another
instance may need it: always if persistent (others catch up on the log by it), and for an ephemeral
event only when another instance holds the topic (broker/holders.py keeps that record). A message
carries its origin, and an instance skips its own, so an event crosses Redis at most once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from opentelemetry.trace import SpanKind
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from sanctum.broker.base import PUBLISH_SPAN, EventHandler, ReconnectHandler, publish_attributes
from sanctum.broker.holders import NOTICE, TopicHolders
from sanctum.core.batching import Coalescer
from sanctum.core.events import Event, pack, unpack
from sanctum.observability import tracing
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import BROKER_EVENTS, REDIS_ERRORS
from sanctum.resilience.breaker import CircuitBreaker

log = get_logger("sanctum.broker")

MAX_PIPELINE = 500


class RedisBroker:
    def __init__(
        self,
        redis_url: str,
        prefix: str = "sanctum:rt:",
        connection: Mapping[str, Any] | None = None,
        breaker: CircuitBreaker | None = None,
        *,
        local_first: bool = False,
        holder_ttl: float = 15.0,
        always_publish: tuple[str, ...] = (),
    ) -> None:
        """`connection`: extra arguments of the publishing client, which put `breaker` under it
        (resilience/redis.py); a subscriber that (re)connects closes that breaker at once, so
        publishes flow again the moment Redis is back rather than at the breaker's next probe.
        `local_first`: see the module's docstring; `holder_ttl` and `always_publish` go with it."""
        self._url = redis_url
        self._breaker = breaker
        self._prefix = prefix
        self._publisher = Redis.from_url(
            redis_url, socket_connect_timeout=1.0, socket_timeout=2.0, **(connection or {})
        )
        self._topics: set[str] = set()
        self._channels: set[str] = set()  # holder announcements watched (local-first), without the prefix
        self.instance = uuid.uuid4().hex[:16]
        self._origin = self.instance.encode() + b"|"
        self.holders: TopicHolders | None = None
        if local_first:
            # A client of its own, outside the breaker: the record's heartbeats while Redis is away must
            # not keep the breaker that HTTP requests depend on open.
            self._holders_client = Redis.from_url(redis_url, socket_connect_timeout=1.0, socket_timeout=2.0)
            self.holders = TopicHolders(
                self._holders_client, prefix, self.instance, holder_ttl, self._listen_channel, self._unlisten_channel
            )
        # Topic prefixes whose ephemeral events go to Redis whatever the record says (access changes, ended
        # sessions): an instance that has just started holding such a topic must not miss one.
        self._always = always_publish
        self._heartbeat: asyncio.Task[None] | None = None
        self._waiting: set[asyncio.Task[None]] = set()
        self._pubsub: PubSub | None = None
        self._task: asyncio.Task[None] | None = None
        self._on_event: EventHandler | None = None
        self._on_reconnect: ReconnectHandler | None = None
        self._connected = asyncio.Event()
        self._lock = asyncio.Lock()
        self._outbox: Coalescer[tuple[str, bytes], bool] = Coalescer(
            self._send, max_batch=MAX_PIPELINE, name="redis-broker-publish"
        )

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def start(self, on_event: EventHandler, on_reconnect: ReconnectHandler) -> None:
        self._on_event, self._on_reconnect = on_event, on_reconnect
        self._task = asyncio.create_task(self._run(), name="redis-broker")
        if self.holders is not None:
            self._heartbeat = asyncio.create_task(self._beat(self.holders), name="redis-broker-holders")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2.0):
                await self._connected.wait()

    async def _beat(self, holders: TopicHolders) -> None:
        while True:
            await asyncio.sleep(holders.ttl / 3)
            with contextlib.suppress(Exception):
                await holders.heartbeat()

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2.0):
                await self._outbox.idle()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self.holders is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2.0):
                    for topic in list(self.holders.held):
                        await self.holders.release(topic)
        if self._task is not None:
            self._task.cancel()
            # Never let a reader stuck in a socket call hold up shutdown.
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                async with asyncio.timeout(2.0):
                    await self._task
        await self._publisher.aclose()
        if self.holders is not None:
            await self._holders_client.aclose()

    async def publish(self, event: Event) -> bool:
        if tracing.active():
            with tracing.span(PUBLISH_SPAN, kind=SpanKind.PRODUCER, attributes=publish_attributes(event)):
                return await self._publish(
                    replace(event, published_at=time.time(), trace=tracing.current_traceparent())
                )
        return await self._publish(replace(event, published_at=time.time()))

    async def _publish(self, event: Event) -> bool:
        if self.holders is None:
            sent = await self._outbox.submit((self._prefix + event.topic, pack(event)))
            if not sent and self._on_event is not None:
                self._on_event(event)
            return sent
        remote = self._deliver_here(event)
        if remote is None:
            remote = await self.holders.wait(event.topic)
        if not remote:
            return True
        return await self._outbox.submit((self._prefix + event.topic, self._origin + pack(event)))

    async def publish_many(self, events: Sequence[Event]) -> None:
        now = time.time()
        for event in events:
            event = replace(event, published_at=now)
            if self.holders is None:
                self._outbox.post((self._prefix + event.topic, pack(event)))
                continue
            remote = self._deliver_here(event)
            if remote:
                self._outbox.post((self._prefix + event.topic, self._origin + pack(event)))
            elif remote is None:  # the topic's record is being read: decide once it is known
                task = asyncio.create_task(self._publish_when_known(event))
                self._waiting.add(task)
                task.add_done_callback(self._waiting.discard)

    async def _publish_when_known(self, event: Event) -> None:
        assert self.holders is not None
        if await self.holders.wait(event.topic):
            await self._outbox.submit((self._prefix + event.topic, self._origin + pack(event)))

    def _deliver_here(self, event: Event) -> bool | None:
        """Local-first: this instance's subscribers get `event` now; whether it must also go to Redis
        (always for a persistent event, which others may be catching up on; for an ephemeral one when
        another instance holds the topic; None until this instance knows)."""
        assert self.holders is not None
        if event.topic in self._topics and self._on_event is not None:
            self._on_event(event)
        if event.seq is not None or (self._always and event.topic.startswith(self._always)):
            return True
        return self.holders.others_hold(event.topic)

    async def _send(self, batch: list[tuple[str, bytes]]) -> list[bool]:
        """One PUBLISH, or a pipeline of them; every event of the batch is sent, or none is."""
        try:
            if len(batch) == 1:
                await self._publisher.publish(*batch[0])
            else:
                pipe = self._publisher.pipeline(transaction=False)
                for channel, payload in batch:
                    pipe.publish(channel, payload)
                await pipe.execute()
        except Exception as exc:
            REDIS_ERRORS.labels("publish").inc()
            log.warning("broker_publish_failed", events=len(batch), error=str(exc))
            return [False] * len(batch)
        BROKER_EVENTS.labels("out").inc(len(batch))
        return [True] * len(batch)

    async def subscribe(self, topic: str) -> None:
        await self._listen(topic, self._topics)
        if self.holders is not None:
            await self.holders.hold(topic)

    async def unsubscribe(self, topic: str) -> None:
        await self._unlisten(topic, self._topics)
        if self.holders is not None and topic not in self._topics:
            await self.holders.release(topic)

    async def _listen_channel(self, channel: str) -> None:
        await self._listen(channel, self._channels)

    async def _unlisten_channel(self, channel: str) -> None:
        await self._unlisten(channel, self._channels)

    async def _listen(self, name: str, into: set[str]) -> None:
        async with self._lock:
            into.add(name)
            if self._pubsub is not None and self.connected:
                try:
                    await self._pubsub.subscribe(self._prefix + name)
                except Exception as exc:  # the reader loop will notice and resubscribe everything
                    REDIS_ERRORS.labels("subscribe").inc()
                    log.warning("broker_subscribe_failed", topic=name, error=str(exc))

    async def _unlisten(self, name: str, into: set[str]) -> None:
        async with self._lock:
            into.discard(name)
            if self._pubsub is not None and self.connected:
                with contextlib.suppress(Exception):
                    await self._pubsub.unsubscribe(self._prefix + name)

    async def _run(self) -> None:
        delay = 0.05
        first = True
        prefix_len = len(self._prefix)
        while True:
            client = Redis.from_url(
                self._url, socket_connect_timeout=1.0, retry=Retry(NoBackoff(), 0), health_check_interval=5
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                async with self._lock:
                    # A private channel keeps the connection subscribed even with no topics.
                    wanted = (self._prefix + t for t in (*self._topics, *self._channels))
                    await pubsub.subscribe(self._prefix + "_", *wanted)
                    if self._breaker is not None:
                        self._breaker.success()  # Redis answered
                    self._pubsub = pubsub
                    self._connected.set()
                if not first:
                    log.info("broker_reconnected", topics=len(self._topics))
                    if self.holders is not None:
                        self.holders.forget_remote()
                        await self.holders.heartbeat()
                    if self._on_reconnect is not None:
                        await self._on_reconnect()
                first = False
                delay = 0.05
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                    if message is None or message.get("type") != "message":
                        continue
                    channel = message["channel"]
                    topic = (channel.decode() if isinstance(channel, bytes) else str(channel))[prefix_len:]
                    data = message["data"]
                    if self.holders is not None:
                        if topic.startswith(NOTICE):
                            self.holders.on_notice(topic[len(NOTICE) :], data)
                            continue
                        origin, _, data = bytes(data).partition(b"|")
                        if origin == self._origin[:-1]:
                            continue  # ours: delivered here when it was published
                    BROKER_EVENTS.labels("in").inc()
                    if self._on_event is not None:
                        try:
                            self._on_event(unpack(topic, data))
                        except Exception:
                            log.exception("broker_event_handler_failed", topic=topic)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._connected.is_set():
                    log.warning("broker_disconnected", error=str(exc))
                REDIS_ERRORS.labels("subscribe").inc()
                self._connected.clear()
                self._pubsub = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
            finally:
                self._pubsub = None
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                with contextlib.suppress(Exception):
                    await client.aclose()
