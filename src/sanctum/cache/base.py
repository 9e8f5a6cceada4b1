"""The cache protocol and a typed cache-aside helper with versioned keys.

Rules every user of the cache follows (docs/architecture.md, "Caching"):
- the database is the truth; a miss or any cache failure falls through to it;
- every entry has a TTL, which bounds how stale a read can be if an invalidation is lost;
- mutations delete the exact keys they affect or bump a version that is part of the key;
  never a wildcard delete.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

from sanctum.cache.local import InvalidationBus, LocalCache
from sanctum.db.replica import replica_ttl_cap
from sanctum.observability.metrics import CACHE_REQUESTS

M = TypeVar("M", bound=BaseModel)
# Decoded pages kept per key family and instance (a page of 50 messages is ~100 KB of objects).
NEAR_ENTRIES = 256


class Cache(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None: ...

    async def delete(self, *keys: str) -> None: ...

    async def swap(self, key: str, expected: bytes | None, value: bytes, ttl_seconds: float) -> bool:
        """Set `key` to `value` only if it still holds `expected`, or is still absent for None
        (compare-and-set, atomic across instances); false if it changed, or the cache failed: read again
        and retry."""
        ...

    async def get_version(self, name: str) -> int: ...

    async def bump_version(self, name: str) -> int: ...

    async def get_versions(self, names: list[str]) -> list[int]:
        """Several versions in one round trip (a home feed's key depends on one per sanctum)."""
        ...


class CachedJson(Generic[M]):
    """Cache-aside for one pydantic model type under one key family.

    `near` keeps decoded values in this process too, and a hit skips the shared cache's round trip and
    the JSON decoding (for a page of 50 messages, most of the request's CPU). It is safe for two kinds
    of key family: keys that name the version of what they hold (a room's history at version n), whose
    entries never go stale; and families whose every change calls `invalidate`, which forgets the near
    copies on every instance too, through the bus (a room's record: cache/local.py says how, and what
    bounds staleness if a message is lost: `near_ttl_seconds`). A near hit returns the one shared
    object: callers copy before they change it. Near entries live half the shared TTL unless told, so
    what a page holds that its key does not version (an author's name) is never older than 1.5 TTLs.
    """

    def __init__(
        self,
        cache: Cache,
        name: str,
        model: type[M],
        ttl_seconds: float,
        *,
        near: InvalidationBus | None = None,
        near_ttl_seconds: float | None = None,
        near_entries: int = NEAR_ENTRIES,
    ) -> None:
        self._cache = cache
        self.name = name
        self._model = model
        self.ttl_seconds = ttl_seconds
        self._hit = CACHE_REQUESTS.labels(name, "hit")
        self._miss = CACHE_REQUESTS.labels(name, "miss")
        self._near: LocalCache[M] | None = (
            LocalCache(
                near,
                f"{name}_near",
                ttl_seconds=ttl_seconds / 2 if near_ttl_seconds is None else near_ttl_seconds,
                max_entries=near_entries,
            )
            if near is not None
            else None
        )

    def key(self, *parts: object) -> str:
        return ":".join(["c", self.name, *(str(p) for p in parts)])

    async def get_or_load(self, key: str, load: Callable[[], Awaitable[M]]) -> M:
        if self._near is not None:
            return await self._near.get_or_load(key, lambda: self._shared(key, load))
        return await self._shared(key, load)

    async def _shared(self, key: str, load: Callable[[], Awaitable[M]]) -> M:
        raw = await self._cache.get(key)
        if raw is not None:
            try:
                value = self._model.model_validate_json(raw)
            except ValueError:
                value = None
            if value is not None:
                self._hit.inc()
                return value
        self._miss.inc()
        value = await load()
        cap = replica_ttl_cap()  # loaded from a replica: kept no longer than its lag bound (db/replica.py)
        ttl = self.ttl_seconds if cap is None else min(cap, self.ttl_seconds)
        await self._cache.set(key, value.model_dump_json().encode(), ttl)
        return value

    async def invalidate(self, *keys: str) -> None:
        """Forget `keys` in the shared cache, then their near copies on every instance (in that order:
        an instance that reloads once it has forgotten finds the shared entry gone too)."""
        await self._cache.delete(*keys)
        if self._near is not None and keys:
            await self._near.forget(keys)
