"""One circuit breaker under every Redis client of an instance (cache, tickets, presence, broker
publishes, rate limits, the job queue), built into redis-py's connection class.

`guarded(url, ...)` returns the keyword arguments a `Redis.from_url` / `ConnectionPool.from_url`
call adds (`connection_class=`): a connection that asks the breaker before it connects or sends, and
tells it how each reply went (a reply is a success; a timeout or a lost connection a failure). So
with Redis black-holed, the first few commands wait out their socket timeout, the breaker opens, and
from then on every command fails at once with `CircuitOpen`, which each caller already treats as
Redis being down (a cache miss, a skipped publish, memory rate limits, a job run in-process). Its
probe is a PING on a connection of its own with a short timeout, every `reset_seconds`, in the
background.

The broker's subscriber connection is left unguarded: it blocks waiting for messages by design and
has its own reconnect loop. Only `redis://` URLs are guarded (`rediss://` and `unix://` choose their own
connection class in redis-py).
"""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.connection import Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from sanctum.resilience.breaker import CircuitBreaker

_FAILURES = (RedisConnectionError, RedisTimeoutError, OSError, asyncio.TimeoutError)


class GuardedConnection(Connection):
    breaker: CircuitBreaker

    async def connect_check_health(self, check_health: bool = True, retry_socket_connect: bool = True) -> None:
        if self.is_connected:
            return
        self.breaker.check()
        try:
            await super().connect_check_health(check_health, retry_socket_connect)
        except _FAILURES:
            self.breaker.failure()
            raise

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        self.breaker.check()
        await super().send_packed_command(command, check_health)

    async def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            response = await super().read_response(*args, **kwargs)
        except _FAILURES:
            self.breaker.failure()
            raise
        self.breaker.success()
        return response


def redis_breaker(url: str, failures: int, reset_seconds: float) -> CircuitBreaker:
    """The breaker of one instance's Redis clients; its probe is a PING on a connection of its own."""

    async def probe() -> None:
        client = Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            await client.ping()
        finally:
            await client.aclose()

    return CircuitBreaker("redis", failures=failures, reset_seconds=reset_seconds, probe=probe, probe_timeout=1.0)


def guarded(breaker: CircuitBreaker, url: str) -> dict[str, Any]:
    """Keyword arguments that put `breaker` under a redis-py client or pool built from `url`."""
    if not url.startswith("redis://"):
        return {}
    return {"connection_class": type("GuardedConnection", (GuardedConnection,), {"breaker": breaker})}
