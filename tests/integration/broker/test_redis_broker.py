"""The Redis broker against a real Redis: per-topic channels, and recovery from a Redis restart."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from sanctum.broker import RedisBroker
from sanctum.core.events import Event, make_event
from tests.conftest import ScaledServers
from tests.integration.realtime.live import eventually

pytestmark = pytest.mark.scaled_only

PROBE = "probe"


class Recorder:
    """The gateway's side of a broker: events received (probes apart) and reconnects reported."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[Event] = asyncio.Queue()
        self.probes: set[str] = set()
        self.probe_arrived = asyncio.Event()
        self.reconnects = 0
        self.reconnected = asyncio.Event()

    def on_event(self, event: Event) -> None:
        if event.type == PROBE:
            self.probes.add(event.topic)
            self.probe_arrived.set()
        else:
            self.events.put_nowait(event)

    async def on_reconnect(self) -> None:
        self.reconnects += 1
        self.reconnected.set()

    async def next(self) -> Event:
        async with asyncio.timeout(5.0):
            return await self.events.get()


async def ignore_reconnect() -> None:
    return None


async def listening(publisher: RedisBroker, recorder: Recorder, topic: str) -> None:
    """Publish probes until one comes back: SUBSCRIBE is not acknowledged synchronously, and a probe
    also shows that everything published on the topic before it has been delivered."""
    recorder.probes.discard(topic)
    for _ in range(50):
        recorder.probe_arrived.clear()
        await publisher.publish(make_event(topic, PROBE, {}))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(0.1):
                await recorder.probe_arrived.wait()
        if topic in recorder.probes:
            return
    raise AssertionError(f"no probe came back on {topic}")


@pytest.fixture
async def brokers(redis_url: str, clean_redis: None) -> AsyncIterator[tuple[RedisBroker, Recorder, RedisBroker]]:
    """A subscribing broker with its recorder, and a second one (another instance) that publishes."""
    recorder = Recorder()
    subscriber, publisher = RedisBroker(redis_url), RedisBroker(redis_url)
    await subscriber.start(recorder.on_event, recorder.on_reconnect)
    await publisher.start(lambda event: None, ignore_reconnect)
    try:
        yield subscriber, recorder, publisher
    finally:
        await subscriber.stop()
        await publisher.stop()


async def test_events_reach_an_instance_only_on_the_topics_it_subscribed(
    brokers: tuple[RedisBroker, Recorder, RedisBroker],
) -> None:
    subscriber, recorder, publisher = brokers
    assert subscriber.connected
    await subscriber.subscribe("room:1")
    await listening(publisher, recorder, "room:1")
    wanted = make_event("room:1", "note", {"text": "a|b"}, seq=7)

    assert await publisher.publish(make_event("room:2", "note", {"n": 1}, seq=1))
    assert await publisher.publish(wanted)
    got = await recorder.next()
    await subscriber.unsubscribe("room:1")
    assert await publisher.publish(make_event("room:1", "note", {"n": 2}, seq=8))
    await subscriber.subscribe("room:9")
    await listening(publisher, recorder, "room:9")

    assert (got.topic, got.type, got.frame, got.seq) == (wanted.topic, wanted.type, wanted.frame, wanted.seq)
    assert recorder.events.empty()  # neither room:2 nor room:1 after the unsubscribe


async def test_after_a_redis_restart_the_broker_resubscribes_by_itself_and_reports_the_reconnect(
    brokers: tuple[RedisBroker, Recorder, RedisBroker], scaled_servers: ScaledServers
) -> None:
    subscriber, recorder, publisher = brokers
    await subscriber.subscribe("room:1")
    await listening(publisher, recorder, "room:1")

    async with scaled_servers.stopped(scaled_servers.redis):
        await eventually(lambda: not subscriber.connected)
        assert await publisher.publish(make_event("room:1", "note", {"n": 1}, seq=1)) is False
    async with asyncio.timeout(10.0):
        await recorder.reconnected.wait()

    assert subscriber.connected and recorder.reconnects == 1
    await listening(publisher, recorder, "room:1")  # subscribed again without being asked
    assert await publisher.publish(make_event("room:1", "note", {"n": 2}, seq=2))
    got = await recorder.next()
    assert (got.topic, got.seq) == ("room:1", 2)


async def test_events_published_together_go_out_in_order_on_one_connection(
    brokers: tuple[RedisBroker, Recorder, RedisBroker], redis_url: str
) -> None:
    subscriber, recorder, publisher = brokers
    topics = ["room:a", "room:b", "room:c"]
    for topic in topics:
        await subscriber.subscribe(topic)
        await listening(publisher, recorder, topic)
    admin = Redis.from_url(redis_url)
    clients_before = int((await admin.info("clients"))["connected_clients"])
    events = [make_event(topics[n % 3], "note", {"n": n}) for n in range(300)]

    sent = await asyncio.gather(*(publisher.publish(e) for e in events))
    received = [await recorder.next() for _ in events]
    clients_after = int((await admin.info("clients"))["connected_clients"])
    await admin.aclose()

    assert all(sent)
    for topic in topics:
        published = [e.frame for e in events if e.topic == topic]
        assert [e.frame for e in received if e.topic == topic] == published
    # One at a time, 300 concurrent publishes would each have taken a pooled connection.
    assert clients_after - clients_before <= 1
