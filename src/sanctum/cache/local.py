"""Near caches: values kept in this process, forgotten on every instance the moment they go stale.

A value read on every request (who a session belongs to) is cheapest kept in the process that uses it:
no database, no Redis round trip. The risk is a stale copy on another instance after a change. So
each `LocalCache` is bound to an `InvalidationBus`, and a change forgets its entries everywhere:

- in this process, synchronously, in every instance built on the same database (tests and embedded
  mode run several app instances in one process);
- in other processes, over Redis pub/sub (scaled mode), which delivers the message to every
  instance before the PUBLISH returns to the one that changed it.

Entries are forgotten by key or by tag (every session of a user carries the user's id as a tag).
A load that was in flight while an invalidation arrived does not store its result, so a reader that
raced a change cannot put the old value back.

The price of trusting memory: while the bus is not connected to Redis (it is down, or this instance
has not yet noticed a restart) nothing reaches us, so the caches are bypassed (every read goes to the
database, as without them) and emptied when the bus reconnects. Between a change committing on one
instance and the message arriving on another there is a window of the order of a millisecond over
loopback; a TTL (short, per cache) bounds staleness if a message is lost in any way we did not foresee.
Changes made by another program straight in the database (not through an app instance) are not
broadcast: they are seen once the TTL runs out.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Generic, Protocol, TypeVar

import orjson

from sanctum.broker.base import Broker
from sanctum.core.events import Event, make_event
from sanctum.db.replica import replica_ttl_cap
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import CACHE_REQUESTS

log = get_logger("sanctum.cache")

V = TypeVar("V")

TOPIC = "invalidate"
EVENT = "cache.forget"


class Forgetting(Protocol):
    """What a bus carries invalidations to: a `LocalCache`, or any in-memory copy (the flags' snapshot)."""

    name: str

    def drop(self, keys: Iterable[str], tags: Iterable[str]) -> None: ...
    def clear(self) -> None: ...


# Every bus of this process, by scope (the database URL): instances on one database hear each other.
_LOCAL: dict[str, set[InvalidationBus]] = {}


class InvalidationBus:
    """Carries "forget these keys/tags of cache X" to every instance; `trusted` says whether our
    near caches may be used now (always in embedded mode; while connected to Redis in scaled mode)."""

    def __init__(self, scope: str, broker: Broker | None = None) -> None:
        self._scope = scope
        self._broker = broker
        self._origin = uuid.uuid4().hex
        self._caches: dict[str, Forgetting] = {}
        self._started = broker is None
        self._missed = False

    @property
    def trusted(self) -> bool:
        if self._broker is None:
            return True
        if not self._started or not self._broker.connected:
            self._missed = True
            return False
        if self._missed:
            # Connected again, and messages may have been lost meanwhile.
            self._missed = False
            self._clear_all()
        return True

    def _clear_all(self) -> None:
        for cache in self._caches.values():
            cache.clear()

    def register(self, cache: Forgetting) -> None:
        if cache.name in self._caches:
            raise ValueError(f"a near cache named {cache.name!r} is already on this bus")
        self._caches[cache.name] = cache

    async def start(self) -> None:
        _LOCAL.setdefault(self._scope, set()).add(self)
        if self._broker is not None:
            await self._broker.start(self._on_event, self._on_reconnect)
            await self._broker.subscribe(TOPIC)
            self._started = True

    async def stop(self) -> None:
        _LOCAL.get(self._scope, set()).discard(self)
        if self._broker is not None:
            self._started = False
            await self._broker.stop()

    async def forget(self, cache: str, keys: Iterable[str] = (), tags: Iterable[str] = ()) -> None:
        keys, tags = list(keys), list(tags)
        for bus in list(_LOCAL.get(self._scope, ())) or [self]:
            bus._forget(cache, keys, tags)
        if self._broker is not None:
            data = {"origin": self._origin, "cache": cache, "keys": keys, "tags": tags}
            await self._broker.publish(make_event(TOPIC, EVENT, data))

    def _forget(self, cache: str, keys: list[str], tags: list[str]) -> None:
        found = self._caches.get(cache)
        if found is not None:
            found.drop(keys, tags)

    def _on_event(self, event: Event) -> None:
        if event.topic != TOPIC:
            return
        try:
            data = orjson.loads(event.frame)["data"]
            if data["origin"] == self._origin:
                return  # already forgotten here, synchronously
            self._forget(str(data["cache"]), [str(k) for k in data["keys"]], [str(t) for t in data["tags"]])
        except (ValueError, KeyError, TypeError):
            log.warning("cache_bad_invalidation")

    async def _on_reconnect(self) -> None:
        # Whatever was published while we were away is lost: start from empty caches.
        self._missed = False
        self._clear_all()


class LocalCache(Generic[V]):
    """A bounded, TTL'd map in this process whose entries every instance forgets together."""

    def __init__(self, bus: InvalidationBus, name: str, *, ttl_seconds: float, max_entries: int) -> None:
        self.name = name
        self._bus = bus
        self._ttl = ttl_seconds
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[V, float, tuple[str, ...]]] = OrderedDict()
        self._by_tag: dict[str, set[str]] = {}
        self._generation = 0
        self._hit = CACHE_REQUESTS.labels(name, "hit")
        self._miss = CACHE_REQUESTS.labels(name, "miss")
        bus.register(self)

    def __len__(self) -> int:
        return len(self._entries)

    async def get_or_load(
        self, key: str, load: Callable[[], Awaitable[V]], tags: Callable[[V], Iterable[str]] = lambda _: ()
    ) -> V:
        if not self._bus.trusted:
            return await load()
        found = self._entries.get(key)
        now = time.monotonic()
        if found is not None and found[1] > now:
            self._hit.inc()
            return found[0]
        self._miss.inc()
        generation = self._generation
        value = await load()
        if generation == self._generation and self._bus.trusted:
            self._put(key, value, tuple(tags(value)), now + self._kept_for())
        return value

    async def get_many_or_load(
        self,
        keys: Iterable[str],
        load: Callable[[list[str]], Awaitable[dict[str, V]]],
        tags: Callable[[V], Iterable[str]] = lambda _: (),
    ) -> dict[str, V]:
        """The entries of `keys` that exist: the cached ones, and the rest in one `load(missing)` call
        (a key it does not return has no value, and is asked again next time)."""
        wanted = list(keys)
        if not self._bus.trusted:
            return await load(wanted) if wanted else {}
        now = time.monotonic()
        found: dict[str, V] = {}
        missing: list[str] = []
        for key in wanted:
            entry = self._entries.get(key)
            if entry is not None and entry[1] > now:
                found[key] = entry[0]
            else:
                missing.append(key)
        if found:
            self._hit.inc(len(found))
        if not missing:
            return found
        self._miss.inc(len(missing))
        generation = self._generation
        loaded = await load(missing)
        if generation == self._generation and self._bus.trusted:
            kept = self._kept_for()
            for key, value in loaded.items():
                self._put(key, value, tuple(tags(value)), now + kept)
        found.update(loaded)
        return found

    def _kept_for(self) -> float:
        """The TTL, or the replica's lag bound when the value was loaded from a replica (db/replica.py)."""
        cap = replica_ttl_cap()
        return self._ttl if cap is None else min(cap, self._ttl)

    async def forget(self, keys: Iterable[str] = (), tags: Iterable[str] = ()) -> None:
        """Forget entries on every instance (call it once the change has committed)."""
        await self._bus.forget(self.name, keys, tags)

    def _put(self, key: str, value: V, tags: tuple[str, ...], expires: float) -> None:
        self._remove(key)
        self._entries[key] = (value, expires, tags)
        for tag in tags:
            self._by_tag.setdefault(tag, set()).add(key)
        while len(self._entries) > self._max:
            self._remove(next(iter(self._entries)))

    def _remove(self, key: str) -> None:
        found = self._entries.pop(key, None)
        if found is None:
            return
        for tag in found[2]:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]

    def drop(self, keys: Iterable[str], tags: Iterable[str]) -> None:
        self._generation += 1
        for key in keys:
            self._remove(key)
        for tag in tags:
            for key in list(self._by_tag.get(tag, ())):
                self._remove(key)

    def clear(self) -> None:
        self._generation += 1
        self._entries.clear()
        self._by_tag.clear()
