"""Redis cache for scaled mode. Every failure is a miss (or a skipped write), counted in
redis_errors_total: the app keeps serving from the database while Redis is down.

A delete or version bump lost during an outage leaves an entry that may be served once Redis is
back, until its TTL ends; that TTL is the documented stale bound of each cached family.
"""

from __future__ import annotations

from redis.asyncio import Redis

from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import REDIS_ERRORS

log = get_logger("sanctum.cache")


class RedisCache:
    def __init__(self, redis: Redis, prefix: str = "sanctum:") -> None:
        self._redis = redis
        self._prefix = prefix

    def _fail(self, operation: str, exc: Exception) -> None:
        REDIS_ERRORS.labels(f"cache_{operation}").inc()
        log.warning("cache_unavailable", operation=operation, error=str(exc))

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self._redis.get(self._prefix + key)
        except Exception as exc:
            self._fail("get", exc)
            return None
        return value if isinstance(value, bytes) or value is None else str(value).encode()

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        try:
            await self._redis.set(self._prefix + key, value, px=max(1, int(ttl_seconds * 1000)))
        except Exception as exc:
            self._fail("set", exc)

    async def delete(self, *keys: str) -> None:
        if not keys:
            return
        try:
            await self._redis.delete(*(self._prefix + k for k in keys))
        except Exception as exc:
            self._fail("delete", exc)

    async def get_version(self, name: str) -> int:
        try:
            value = await self._redis.get(f"{self._prefix}v:{name}")
        except Exception as exc:
            self._fail("version", exc)
            return -1  # a version no writer uses: reads go to the database while Redis is away
        return int(value) if value is not None else 0

    async def bump_version(self, name: str) -> int:
        try:
            return int(await self._redis.incr(f"{self._prefix}v:{name}"))
        except Exception as exc:
            self._fail("bump", exc)
            return -1
