"""Redis cache for scaled mode. Every failure is a miss (or a skipped write), counted in
redis_errors_total: the app keeps serving from the database while Redis is down.

A delete or version bump that fails is remembered and applied before this instance uses the cache
again, so entries that survive an outage (Redis persists them across a restart) are not served
stale once it is back. Another instance may still read such an entry until this one has replayed
its invalidations, and at most MAX_LOST of them are remembered: the TTL of each cached family stays
the documented stale bound for those cases.
"""

from __future__ import annotations

from redis.asyncio import Redis

from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import REDIS_ERRORS

log = get_logger("sanctum.cache")


MAX_LOST = 100_000
# Compare-and-set in one script: Redis runs a script atomically, so no other client's write lands
# between the GET and the SET (optimistic locking in one round trip instead of WATCH/GET/MULTI/EXEC).
# ARGV[4] == '1': the key is expected absent (GET answers false, never equal to a string).
SWAP = """
local current = redis.call('GET', KEYS[1])
if (ARGV[4] == '1' and current == false) or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""


class RedisCache:
    def __init__(self, redis: Redis, prefix: str = "sanctum:") -> None:
        self._redis = redis
        self._prefix = prefix
        # Invalidations that failed while Redis was unreachable: prefixed keys to delete, versions to bump.
        self._lost_deletes: set[str] = set()
        self._lost_bumps: set[str] = set()
        self._swap = redis.register_script(SWAP)

    def _lose(self, deletes: set[str], bumps: set[str]) -> None:
        if len(self._lost_deletes) + len(self._lost_bumps) + len(deletes) + len(bumps) > MAX_LOST:
            log.warning("cache_invalidations_dropped", count=len(deletes) + len(bumps))
            return
        self._lost_deletes |= deletes
        self._lost_bumps |= bumps

    async def _replay(self) -> bool:
        """Apply the invalidations lost while Redis was away; false while that still fails."""
        if not self._lost_deletes and not self._lost_bumps:
            return True
        deletes, self._lost_deletes = self._lost_deletes, set()
        bumps, self._lost_bumps = self._lost_bumps, set()
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                if deletes:
                    pipe.delete(*deletes)
                for name in bumps:
                    pipe.incr(name)
                await pipe.execute()
        except Exception as exc:
            self._lose(deletes, bumps)
            self._fail("replay", exc)
            return False
        return True

    def _fail(self, operation: str, exc: Exception) -> None:
        REDIS_ERRORS.labels(f"cache_{operation}").inc()
        log.warning("cache_unavailable", operation=operation, error=str(exc))

    async def get(self, key: str) -> bytes | None:
        if not await self._replay():
            return None
        try:
            value = await self._redis.get(self._prefix + key)
        except Exception as exc:
            self._fail("get", exc)
            return None
        return value if isinstance(value, bytes) or value is None else str(value).encode()

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        if not await self._replay():
            return
        try:
            await self._redis.set(self._prefix + key, value, px=max(1, int(ttl_seconds * 1000)))
        except Exception as exc:
            self._fail("set", exc)

    async def swap(self, key: str, expected: bytes | None, value: bytes, ttl_seconds: float) -> bool:
        if not await self._replay():
            return False
        absent = expected is None
        args: list[bytes | int | str] = [
            expected or b"",
            value,
            max(1, int(ttl_seconds * 1000)),
            "1" if absent else "0",
        ]
        try:
            done = await self._swap(keys=[self._prefix + key], args=args)
        except Exception as exc:
            self._fail("swap", exc)
            return False
        return bool(done)

    async def delete(self, *keys: str) -> None:
        if not keys:
            return
        prefixed = {self._prefix + k for k in keys}
        try:
            await self._redis.delete(*prefixed)
        except Exception as exc:
            self._lose(prefixed, set())
            self._fail("delete", exc)

    async def get_version(self, name: str) -> int:
        if not await self._replay():
            return -1
        try:
            value = await self._redis.get(f"{self._prefix}v:{name}")
        except Exception as exc:
            self._fail("version", exc)
            return -1  # a version no writer uses: reads go to the database while Redis is away
        return int(value) if value is not None else 0

    async def get_versions(self, names: list[str]) -> list[int]:
        if not names:
            return []
        if not await self._replay():
            return [-1] * len(names)
        try:
            values = await self._redis.mget([f"{self._prefix}v:{name}" for name in names])
        except Exception as exc:
            self._fail("version", exc)
            return [-1] * len(names)
        return [int(value) if value is not None else 0 for value in values]

    async def bump_version(self, name: str) -> int:
        try:
            return int(await self._redis.incr(f"{self._prefix}v:{name}"))
        except Exception as exc:
            self._lose(set(), {f"{self._prefix}v:{name}"})
            self._fail("bump", exc)
            return -1
