"""Near caches: served from memory, forgotten on every instance, bypassed when a forget could be missed."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable

import pytest

from sanctum.cache.local import InvalidationBus, LocalCache
from sanctum.core.events import Event

_scopes = itertools.count()


class FakeBroker:
    """Stands in for the Redis broker: records publishes, lets the test deliver and cut the line."""

    def __init__(self) -> None:
        self.connected = True
        self.published: list[Event] = []
        self.on_event: Callable[[Event], None] | None = None
        self.on_reconnect: Callable[[], Awaitable[None]] | None = None

    async def start(self, on_event: Callable[[Event], None], on_reconnect: Callable[[], Awaitable[None]]) -> None:
        self.on_event, self.on_reconnect = on_event, on_reconnect

    async def stop(self) -> None:
        pass

    async def publish(self, event: Event) -> bool:
        self.published.append(event)
        return self.connected

    async def subscribe(self, topic: str) -> None:
        pass

    async def unsubscribe(self, topic: str) -> None:
        pass


class Loads:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, value: str) -> Callable[[], Awaitable[str]]:
        async def load() -> str:
            self.count += 1
            return value

        return load


def scope() -> str:
    return f"test-scope-{next(_scopes)}"


async def started(name: str = "c", broker: FakeBroker | None = None, where: str | None = None) -> LocalCache[str]:
    bus = InvalidationBus(where or scope(), broker)  # type: ignore[arg-type]
    cache: LocalCache[str] = LocalCache(bus, name, ttl_seconds=60, max_entries=3)
    await bus.start()
    return cache


async def test_a_value_is_loaded_once_then_served_from_memory() -> None:
    cache, loads = await started(), Loads()
    assert await cache.get_or_load("k", loads("v")) == "v"
    assert await cache.get_or_load("k", loads("other")) == "v"
    assert loads.count == 1


async def test_forgetting_a_tag_on_one_instance_forgets_it_on_every_instance_of_the_database_at_once() -> None:
    where = scope()
    a, b = await started(where=where), await started(where=where)
    loads = Loads()
    await a.get_or_load("s1", loads("alice"), lambda _: ["user:1"])
    await b.get_or_load("s1", loads("alice"), lambda _: ["user:1"])
    await b.get_or_load("s2", loads("bob"), lambda _: ["user:2"])

    await a.forget(tags=["user:1"])

    assert await b.get_or_load("s1", loads("alice again")) == "alice again"
    assert await b.get_or_load("s2", loads("not loaded")) == "bob"
    assert await a.get_or_load("s1", loads("alice again")) == "alice again"


async def test_a_load_that_raced_a_forget_does_not_put_the_old_value_back() -> None:
    cache = await started()
    release = asyncio.Event()

    async def slow_old_value() -> str:
        await release.wait()
        return "old"

    loading = asyncio.create_task(cache.get_or_load("k", slow_old_value))
    await asyncio.sleep(0)
    await cache.forget(keys=["k"])
    release.set()
    assert await loading == "old"  # the caller that raced still gets what it read

    assert await cache.get_or_load("k", Loads()("new")) == "new"


async def test_the_oldest_entries_go_when_the_cache_is_full() -> None:
    cache, loads = await started(), Loads()
    for key in ("a", "b", "c", "d"):
        await cache.get_or_load(key, loads(key))
    assert len(cache) == 3
    assert await cache.get_or_load("a", loads("a2")) == "a2"
    assert await cache.get_or_load("d", loads("d2")) == "d"


async def test_a_forget_from_another_process_arrives_through_the_broker() -> None:
    broker = FakeBroker()
    cache, loads = await started(broker=broker), Loads()
    await cache.get_or_load("k", loads("v"), lambda _: ["t"])
    other = FakeBroker()
    sender = await started(broker=other)
    await sender.forget(tags=["t"])
    assert other.published, "a forget goes out on the broker for other processes"

    assert broker.on_event is not None
    broker.on_event(other.published[0])

    assert await cache.get_or_load("k", loads("fresh")) == "fresh"


async def test_while_the_broker_is_down_nothing_is_served_from_memory_and_it_starts_empty_after() -> None:
    broker = FakeBroker()
    cache, loads = await started(broker=broker), Loads()
    await cache.get_or_load("k", loads("v"))

    broker.connected = False
    assert await cache.get_or_load("k", loads("from the database")) == "from the database"
    assert await cache.get_or_load("k", loads("again")) == "again"

    broker.connected = True
    assert await cache.get_or_load("k", loads("after reconnect")) == "after reconnect"
    assert await cache.get_or_load("k", loads("not loaded")) == "after reconnect"
    assert loads.count == 4


async def test_a_reconnect_empties_the_caches_even_if_no_read_noticed_the_outage() -> None:
    broker = FakeBroker()
    cache, loads = await started(broker=broker), Loads()
    await cache.get_or_load("k", loads("v"))
    assert broker.on_reconnect is not None

    await broker.on_reconnect()

    assert await cache.get_or_load("k", loads("fresh")) == "fresh"


async def test_two_caches_with_one_name_on_one_bus_are_refused() -> None:
    bus = InvalidationBus(scope())
    LocalCache(bus, "same", ttl_seconds=1, max_entries=1)
    with pytest.raises(ValueError, match="same"):
        LocalCache(bus, "same", ttl_seconds=1, max_entries=1)


async def test_many_keys_are_served_from_memory_and_only_the_missing_ones_are_loaded_in_one_call() -> None:
    cache = await started()
    asked: list[list[str]] = []

    async def load(keys: list[str]) -> dict[str, str]:
        asked.append(sorted(keys))
        return {k: f"{k}!" for k in keys if k != "gone"}  # "gone" has no value

    assert await cache.get_many_or_load(["a", "b"], load) == {"a": "a!", "b": "b!"}
    assert await cache.get_many_or_load(["a", "b", "c", "gone"], load) == {"a": "a!", "b": "b!", "c": "c!"}
    assert await cache.get_many_or_load(["gone"], load) == {}
    assert asked == [["a", "b"], ["c", "gone"], ["gone"]]


async def test_a_batch_load_that_raced_a_forget_does_not_put_old_values_back() -> None:
    cache = await started()
    release = asyncio.Event()

    async def slow_old(keys: list[str]) -> dict[str, str]:
        await release.wait()
        return {k: "old" for k in keys}

    loading = asyncio.create_task(cache.get_many_or_load(["k"], slow_old))
    await asyncio.sleep(0)
    await cache.forget(keys=["k"])
    release.set()
    assert await loading == {"k": "old"}

    assert await cache.get_or_load("k", Loads()("new")) == "new"
