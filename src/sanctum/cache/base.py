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

from sanctum.observability.metrics import CACHE_REQUESTS

M = TypeVar("M", bound=BaseModel)


class Cache(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None: ...

    async def delete(self, *keys: str) -> None: ...

    async def get_version(self, name: str) -> int: ...

    async def bump_version(self, name: str) -> int: ...

    async def get_versions(self, names: list[str]) -> list[int]:
        """Several versions in one round trip (a home feed's key depends on one per sanctum)."""
        ...


class CachedJson(Generic[M]):
    """Cache-aside for one pydantic model type under one key family."""

    def __init__(self, cache: Cache, name: str, model: type[M], ttl_seconds: float) -> None:
        self._cache = cache
        self.name = name
        self._model = model
        self.ttl_seconds = ttl_seconds
        self._hit = CACHE_REQUESTS.labels(name, "hit")
        self._miss = CACHE_REQUESTS.labels(name, "miss")

    def key(self, *parts: object) -> str:
        return ":".join(["c", self.name, *(str(p) for p in parts)])

    async def get_or_load(self, key: str, load: Callable[[], Awaitable[M]]) -> M:
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
        await self._cache.set(key, value.model_dump_json().encode(), self.ttl_seconds)
        return value

    async def invalidate(self, *keys: str) -> None:
        await self._cache.delete(*keys)
