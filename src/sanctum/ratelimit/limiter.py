"""A small facade over `limits`: `await limiter.hit(name, rate, key)` raises RateLimited.

In scaled mode the counters live in Redis so every instance shares them. If Redis fails, the
limiter falls back to per-instance memory counters (counted in `redis_errors_total`) rather than
refusing logins or letting them through unlimited.
"""

from __future__ import annotations

import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from sanctum.core.errors import RateLimited
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import RATE_LIMITED, REDIS_ERRORS

log = get_logger("sanctum.ratelimit")


class RateLimiter:
    def __init__(self, redis_url: str | None = None, namespace: str = "sanctum") -> None:
        self._namespace = namespace
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        self._storage: Storage | None = None
        if redis_url:
            uri = "async+" + redis_url if not redis_url.startswith("async+") else redis_url
            self._storage = RedisStorage(uri, implementation="redispy", key_prefix=f"{namespace}:rl")
            self._shared = MovingWindowRateLimiter(self._storage)
        self._items: dict[str, RateLimitItem] = {}

    def _item(self, rate: str) -> RateLimitItem:
        item = self._items.get(rate)
        if item is None:
            item = self._items[rate] = parse(rate)
        return item

    async def hit(self, name: str, rate: str, key: str) -> None:
        item = self._item(rate)
        limiter = self._shared or self._memory
        try:
            allowed = await limiter.hit(item, name, key)
        except Exception as exc:
            if limiter is self._memory:
                raise
            REDIS_ERRORS.labels("ratelimit").inc()
            log.warning("ratelimit_redis_unavailable", error=str(exc))
            limiter = self._memory
            allowed = await limiter.hit(item, name, key)
        if not allowed:
            RATE_LIMITED.labels(name).inc()
            retry_after = item.get_expiry()
            try:
                stats = await limiter.get_window_stats(item, name, key)
                retry_after = max(1, int(stats.reset_time - time.time()) + 1)
            except Exception:  # noqa: S110 - the item's window is a safe upper bound
                pass
            raise RateLimited(retry_after)

    async def reset(self) -> None:
        await self._memory.storage.reset()
        if self._storage is not None:
            await self._storage.reset()
