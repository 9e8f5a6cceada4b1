"""Named rate limits on the `limits` library: `await limiter.hit("chat_message", key)` or RateLimited.

Problem: one script could post hundreds of messages a second, fill every member's unread count and
the database, and an instance count multiplied whatever a per-process counter allowed.

Mechanism: every limit has a name and one or more rates in the settings (`RateLimitSettings`,
RATE_LIMITS__<NAME>); routes and socket commands name the limit they spend. Counters are moving
windows keyed by (limit, key), in process memory embedded (ratelimit/memory.py, the same moving
window as `limits`' own, without its locks and timer tasks) and in Redis scaled, so every instance
spends one allowance. A refusal carries the limit's name and when to retry (`core.errors.RateLimited`)
and is counted in `rate_limited_total{limit}`. Several rates are checked shortest window first, so a
burst refused by the short window does not spend the long one.

Price: a Redis round trip (one Lua script) per write in scaled mode. When Redis fails the limiter
counts in this process's memory instead (degraded: each instance allows the full rate, never
unlimited, never an error) and tries Redis again after `REDIS_RETRY_SECONDS`, so an outage costs one
failed attempt per interval rather than one per request.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from limits import RateLimitItem, parse_many
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.util import WindowStats

from sanctum.core.errors import RateLimited
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import RATE_LIMITED, REDIS_ERRORS
from sanctum.ratelimit.memory import MemoryWindows
from sanctum.settings import RateLimitSettings

log = get_logger("sanctum.ratelimit")

REDIS_RETRY_SECONDS = 2.0
# A Redis that hangs costs a write at most this long before the memory counters take over.
_REDIS_TIMEOUT_SECONDS = 0.5


def parse_rates(value: str, multiplier: int = 1) -> tuple[RateLimitItem, ...]:
    """`5/minute;30/hour` as its rates, each allowance times `multiplier`, shortest window first."""
    items = [type(item)(item.amount * multiplier, item.multiples, item.namespace) for item in parse_many(value)]
    return tuple(sorted(items, key=lambda item: item.get_expiry()))


class _Windows(Protocol):
    """What both counters answer: `limits`' MovingWindowRateLimiter (Redis) and MemoryWindows."""

    async def hit(self, item: RateLimitItem, name: str, key: str) -> bool: ...
    async def get_window_stats(self, item: RateLimitItem, name: str, key: str) -> WindowStats: ...


class RateLimiter:
    def __init__(
        self,
        limits: RateLimitSettings,
        redis_url: str | None = None,
        namespace: str = "sanctum",
        connection: Mapping[str, Any] | None = None,
    ) -> None:
        self._rates = {name: parse_rates(getattr(limits, name), limits.multiplier) for name in limits.names()}
        self._memory: _Windows = MemoryWindows()
        self._shared: _Windows | None = None
        self._redis_down_until = 0.0
        if redis_url:
            uri = "async+" + redis_url if not redis_url.startswith("async+") else redis_url
            storage = RedisStorage(
                uri,
                implementation="redispy",
                key_prefix=f"{namespace}:rl",
                socket_timeout=_REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=_REDIS_TIMEOUT_SECONDS,
                **(connection or {}),
            )
            self._shared = MovingWindowRateLimiter(storage)

    def rates(self, name: str) -> tuple[RateLimitItem, ...]:
        """The rates of a named limit (KeyError for a name the settings do not have)."""
        return self._rates[name]

    async def hit(self, name: str, key: str) -> None:
        """Spend one of `key`'s allowance of the named limit, or raise RateLimited."""
        await self.hit_rates(name, self._rates[name], key)

    async def hit_rates(self, name: str, rates: Sequence[RateLimitItem], key: str, message: str | None = None) -> None:
        """Spend one of `key`'s allowance at these rates (e.g. a room's slow mode), or raise RateLimited."""
        for item in rates:
            limiter = self._limiter()
            try:
                allowed = await limiter.hit(item, name, key)
            except Exception as exc:
                if limiter is self._memory:
                    raise
                self._redis_failed(exc)
                limiter = self._memory
                allowed = await limiter.hit(item, name, key)
            if not allowed:
                RATE_LIMITED.labels(name).inc()
                retry_after = await self._retry_after(limiter, item, name, key)
                raise RateLimited(retry_after, name, message, amount=item.amount, window=item.get_expiry())

    def _limiter(self) -> _Windows:
        if self._shared is None or time.monotonic() < self._redis_down_until:
            return self._memory
        return self._shared

    def _redis_failed(self, exc: Exception) -> None:
        REDIS_ERRORS.labels("ratelimit").inc()
        log.warning("ratelimit_redis_unavailable", error=str(exc), retry_in_seconds=REDIS_RETRY_SECONDS)
        self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS

    @staticmethod
    async def _retry_after(limiter: _Windows, item: RateLimitItem, name: str, key: str) -> float:
        try:
            stats = await limiter.get_window_stats(item, name, key)
        except Exception:
            return float(item.get_expiry())  # the whole window is a safe upper bound
        return max(1.0, math.ceil(stats.reset_time - time.time()))
