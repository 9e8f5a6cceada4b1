"""Local-first fanout against a real Redis: an instance's own subscribers get its events directly, and
an ephemeral event crosses Redis only when another instance holds its topic, once; the record of who
holds a topic heals by itself when an instance is lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from sanctum.broker import RedisBroker
from sanctum.core.events import Event, make_event
from tests.integration.realtime.live import eventually

pytestmark = pytest.mark.scaled_only

TOPIC = "game:local-first"
TTL = 0.6


class Inbox:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def on_event(self, event: Event) -> None:
        self.events.append(event)

    def frames(self) -> list[str]:
        return [e.frame for e in self.events if e.seq is None]


async def no_reconnect() -> None:
    return None


class Wire:
    """What crosses Redis on the topic's channel, seen by a plain subscriber that holds nothing."""

    def __init__(self, pubsub: PubSub) -> None:
        self.pubsub = pubsub
        self.seen: list[bytes] = []

    async def upto_marker(self, publisher: RedisBroker, seq: int) -> list[bytes]:
        """Everything on the wire up to a persistent marker (which always crosses) published now."""
        await publisher.publish(make_event(TOPIC, "marker", {}, seq=seq))
        async with asyncio.timeout(5):
            while True:
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is None:
                    continue
                self.seen.append(message["data"])
                if b"|marker|" in message["data"]:
                    seen, self.seen = self.seen[:-1], []
                    return seen


@pytest.fixture
async def setup(
    redis_url: str, clean_redis: None
) -> AsyncIterator[tuple[RedisBroker, Inbox, RedisBroker, Inbox, Wire]]:
    here, there = Inbox(), Inbox()
    a = RedisBroker(redis_url, local_first=True, holder_ttl=TTL)
    b = RedisBroker(redis_url, local_first=True, holder_ttl=TTL)
    await a.start(here.on_event, no_reconnect)
    await b.start(there.on_event, no_reconnect)
    client = Redis.from_url(redis_url)
    pubsub = client.pubsub()
    await pubsub.subscribe("sanctum:rt:" + TOPIC)
    await pubsub.get_message(timeout=1.0)  # the subscription is in place
    try:
        yield a, here, b, there, Wire(pubsub)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()
        await a.stop()
        await b.stop()


def frames(n: int, start: int = 0) -> list[Event]:
    return [make_event(TOPIC, "game.delta", {"tick": start + i}) for i in range(n)]


async def test_a_frame_crosses_redis_only_for_another_instance_once_and_not_after_that_instance_is_lost(
    setup: tuple[RedisBroker, Inbox, RedisBroker, Inbox, Wire],
) -> None:
    a, here, b, there, wire = setup
    await a.subscribe(TOPIC)

    # Only this instance holds the topic: its subscribers get every frame, Redis none.
    await a.publish_many(frames(5))
    await a.publish(frames(1, start=5)[0])
    assert len(here.frames()) == 6  # delivered in the publishing call, before any round trip
    assert await wire.upto_marker(a, seq=1) == []

    # Another instance holds it: each frame crosses once, and nobody gets a copy twice.
    await b.subscribe(TOPIC)
    await eventually(lambda: a.holders is not None and a.holders.others_hold(TOPIC) is True)
    await a.publish_many(frames(3, start=10))
    assert len(await wire.upto_marker(a, seq=2)) == 3
    await eventually(lambda: len(there.frames()) == 3)
    assert len(here.frames()) == 9
    assert len([e for e in here.events if e.type == "marker"]) == 2  # its own markers, not echoed back

    # That instance is lost (no release, no more heartbeats): its record expires, frames stay here.
    assert b._heartbeat is not None and b._task is not None
    b._heartbeat.cancel()
    b._task.cancel()
    b.holders = None
    await eventually(lambda: a.holders is not None and a.holders.others_hold(TOPIC) is False, within=10.0)
    await a.publish_many(frames(4, start=20))
    assert await wire.upto_marker(a, seq=3) == []
    assert len(here.frames()) == 13
