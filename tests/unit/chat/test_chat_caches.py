"""The cache package the chat domain relies on: MemoryCache (embedded) and the CachedJson helper."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from prometheus_client import REGISTRY
from pydantic import BaseModel

import sanctum.cache.memory as memory_module
from sanctum.cache import Cache, CachedJson, MemoryCache, RedisCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(memory_module.time, "monotonic", fake)
    return fake


# -- MemoryCache -------------------------------------------------------------------------------


async def test_an_entry_lives_until_its_ttl_ends(clock: Clock) -> None:
    cache = MemoryCache()
    await cache.set("k", b"v", ttl_seconds=10)

    clock.now += 9.9
    before = await cache.get("k")
    clock.now += 0.1
    after = await cache.get("k")

    assert (before, after) == (b"v", None)


async def test_setting_again_replaces_the_value_and_restarts_the_ttl(clock: Clock) -> None:
    cache = MemoryCache()
    await cache.set("k", b"old", ttl_seconds=10)
    clock.now += 8
    await cache.set("k", b"new", ttl_seconds=10)
    clock.now += 8

    assert await cache.get("k") == b"new"


async def test_delete_removes_only_the_named_keys(clock: Clock) -> None:
    cache = MemoryCache()
    for key in ("a", "b", "c"):
        await cache.set(key, key.encode(), 60)

    await cache.delete("a", "c", "never-set")

    assert [await cache.get(k) for k in ("a", "b", "c")] == [None, b"b", None]


async def test_the_least_recently_used_entry_is_evicted_beyond_max_entries(clock: Clock) -> None:
    cache = MemoryCache(max_entries=3)
    for key in ("a", "b", "c"):
        await cache.set(key, key.encode(), 60)
    await cache.get("a")  # now "b" is the least recently used

    await cache.set("d", b"d", 60)

    assert [await cache.get(k) for k in ("a", "b", "c", "d")] == [b"a", None, b"c", b"d"]


async def test_versions_start_at_zero_and_each_bump_adds_one(clock: Clock) -> None:
    cache = MemoryCache()

    start = await cache.get_version("history:r1")
    bumped = [await cache.bump_version("history:r1") for _ in range(3)]

    assert start == 0 and bumped == [1, 2, 3]
    assert await cache.get_version("history:r1") == 3
    assert await cache.get_version("history:r2") == 0  # versions are per name


async def test_versions_do_not_expire_or_get_evicted(clock: Clock) -> None:
    cache = MemoryCache(max_entries=1)
    await cache.bump_version("directory")
    for n in range(5):
        await cache.set(f"k{n}", b"x", 1)
    clock.now += 3600

    assert await cache.get_version("directory") == 1


# -- CachedJson --------------------------------------------------------------------------------


class Thing(BaseModel):
    name: str
    count: int


def counted(cache: str, result: str) -> float:
    return REGISTRY.get_sample_value("cache_requests_total", {"cache": cache, "result": result}) or 0.0


class Loader:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> Thing:
        self.calls += 1
        return Thing(name="fresh", count=self.calls)


async def test_cached_json_loads_on_a_miss_then_serves_hits_and_counts_both(clock: Clock) -> None:
    things = CachedJson(MemoryCache(), "unit_things", Thing, ttl_seconds=30)
    load = Loader()
    key = things.key("a", 1)
    hits, misses = counted("unit_things", "hit"), counted("unit_things", "miss")

    first = await things.get_or_load(key, load)
    second = await things.get_or_load(key, load)
    third = await things.get_or_load(key, load)

    assert key == "c:unit_things:a:1"
    assert first == second == third == Thing(name="fresh", count=1)
    assert load.calls == 1
    assert counted("unit_things", "miss") == misses + 1
    assert counted("unit_things", "hit") == hits + 2


async def test_cached_json_reloads_after_invalidate_and_after_the_ttl(clock: Clock) -> None:
    things = CachedJson(MemoryCache(), "unit_things", Thing, ttl_seconds=30)
    load = Loader()
    key = things.key("b")

    await things.get_or_load(key, load)
    await things.invalidate(key)
    after_invalidate = await things.get_or_load(key, load)
    clock.now += 31
    after_ttl = await things.get_or_load(key, load)

    assert (after_invalidate.count, after_ttl.count) == (2, 3)


async def test_cached_json_treats_a_corrupt_entry_as_a_miss_and_replaces_it(clock: Clock) -> None:
    cache = MemoryCache()
    things = CachedJson(cache, "unit_things", Thing, ttl_seconds=30)
    key = things.key("c")
    await cache.set(key, b'{"name": "no count"}', 30)
    misses = counted("unit_things", "miss")

    value = await things.get_or_load(key, Loader())

    assert value == Thing(name="fresh", count=1)
    assert counted("unit_things", "miss") == misses + 1
    assert Thing.model_validate_json(await cache.get(key) or b"") == value


async def test_cached_json_versioned_keys_make_old_entries_unreachable(clock: Clock) -> None:
    cache = MemoryCache()
    things = CachedJson(cache, "unit_things", Thing, ttl_seconds=30)
    load = Loader()

    before = await things.get_or_load(things.key("room", f"v{await cache.get_version('room')}"), load)
    await cache.bump_version("room")
    after = await things.get_or_load(things.key("room", f"v{await cache.get_version('room')}"), load)

    assert (before.count, after.count) == (1, 2)


async def test_cached_json_propagates_a_failed_load_and_caches_nothing(clock: Clock) -> None:
    cache = MemoryCache()
    things = CachedJson(cache, "unit_things", Thing, ttl_seconds=30)

    async def broken() -> Thing:
        raise LookupError("gone")

    with pytest.raises(LookupError):
        await things.get_or_load(things.key("d"), broken)
    assert await cache.get(things.key("d")) is None


# -- RedisCache: invalidations lost during an outage -------------------------------------------


class FakeRedis:
    """The few commands RedisCache uses, over a dict; `down` makes every command fail."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise ConnectionError("Redis is down")

    async def get(self, key: str) -> bytes | None:
        self._check()
        return self.data.get(key)

    async def set(self, key: str, value: bytes, px: int) -> None:
        self._check()
        self.data[key] = value

    async def delete(self, *keys: str) -> None:
        self._check()
        for key in keys:
            self.data.pop(key, None)

    async def incr(self, key: str) -> int:
        self._check()
        self.data[key] = str(int(self.data.get(key, b"0")) + 1).encode()
        return int(self.data[key])

    def pipeline(self, transaction: bool = True) -> FakePipeline:
        return FakePipeline(self)

    def register_script(self, script: str) -> Callable[..., Awaitable[int]]:
        async def swap(keys: list[str], args: list[Any]) -> int:  # the one script RedisCache has
            self._check()
            current = self.data.get(keys[0])
            if not (current is None if args[3] == "1" else current == args[0]):
                return 0
            self.data[keys[0]] = args[1]
            return 1

        return swap


class FakePipeline:
    def __init__(self, redis: FakeRedis) -> None:
        self._redis = redis
        self._commands: list[tuple[str, tuple[str, ...]]] = []

    async def __aenter__(self) -> FakePipeline:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def delete(self, *keys: str) -> None:
        self._commands.append(("delete", keys))

    def incr(self, key: str) -> None:
        self._commands.append(("incr", (key,)))

    async def execute(self) -> None:
        self._redis._check()
        for name, args in self._commands:
            await getattr(self._redis, name)(*args)


async def test_redis_cache_applies_deletes_lost_in_an_outage_before_serving_again() -> None:
    redis = FakeRedis()
    cache = RedisCache(redis)  # type: ignore[arg-type]
    await cache.set("room:1", b"old name", 600)

    redis.down = True
    await cache.delete("room:1")  # lost: Redis is unreachable
    during = await cache.get("room:1")
    redis.down = False  # back, with the entry still in it
    assert redis.data["sanctum:room:1"] == b"old name"
    after = await cache.get("room:1")

    assert (during, after) == (None, None)
    assert "sanctum:room:1" not in redis.data


async def test_redis_cache_applies_version_bumps_lost_in_an_outage() -> None:
    redis = FakeRedis()
    cache = RedisCache(redis)  # type: ignore[arg-type]
    await cache.bump_version("history:r")

    redis.down = True
    lost = await cache.bump_version("history:r")
    during = await cache.get_version("history:r")
    redis.down = False
    after = await cache.get_version("history:r")

    assert (lost, during, after) == (-1, -1, 2)


async def test_redis_cache_keeps_lost_invalidations_until_they_succeed() -> None:
    redis = FakeRedis()
    cache = RedisCache(redis)  # type: ignore[arg-type]
    await cache.set("a", b"1", 60)
    await cache.set("b", b"2", 60)
    redis.down = True
    await cache.delete("a")
    await cache.get("b")  # the replay fails too: still remembered
    await cache.set("c", b"3", 60)  # nothing is written while invalidations are pending
    redis.down = False

    await cache.set("c", b"3", 60)

    assert redis.data == {"sanctum:b": b"2", "sanctum:c": b"3"}


async def test_a_swap_writes_only_over_the_value_it_expects_and_fails_while_redis_is_down() -> None:
    redis = FakeRedis()
    caches: list[Cache] = [MemoryCache(), RedisCache(redis)]  # type: ignore[arg-type]
    for cache in caches:
        await cache.set("call:1", b"v1", 60)
        first = await cache.swap("call:1", b"v1", b"v2", 60)
        stale = await cache.swap("call:1", b"v1", b"v3", 60)  # another writer came first
        gone = await cache.swap("call:2", b"v1", b"v3", 60)
        assert (first, stale, gone, await cache.get("call:1")) == (True, False, False, b"v2")
        # None expects the key absent: the first of two claims wins, a claim over a value fails.
        claims = [await cache.swap("room:1", None, v, 60) for v in (b"a", b"b")]
        assert (claims, await cache.swap("call:1", None, b"x", 60), await cache.get("room:1")) == (
            [True, False],
            False,
            b"a",
        )
    redis.down = True
    assert await caches[1].swap("call:1", b"v2", b"v4", 60) is False
