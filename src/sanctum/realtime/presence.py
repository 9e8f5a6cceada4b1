"""Who is connected: per-user socket counts, used for the connection limit and for presence.

Embedded: a dict. Scaled: one Redis sorted set per user (member = connection id, score = lease
expiry), so the limit counts sockets on every instance and a crashed instance's sockets fall out
when their leases expire instead of counting forever. Each instance renews its own leases.
If Redis fails, counting falls back to this instance alone (counted in redis_errors_total).

A crashed instance cannot say that its users went offline, so every lease is also in one index
(`ws_leases`, member `user|connection`, score = expiry): each instance's sweeper reaps expired
entries atomically (`reap`), and the instance that reaps a user's last socket announces them offline.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Protocol

from redis.asyncio import Redis

from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import REDIS_ERRORS

log = get_logger("sanctum.realtime.presence")


class ConnectionRegistry(Protocol):
    async def add(self, user_id: uuid.UUID, connection_id: str, limit: int) -> tuple[bool, int]:
        """Register a socket unless the user is at the limit; returns (accepted, count after)."""
        ...

    async def remove(self, user_id: uuid.UUID, connection_id: str) -> int:
        """Forget a socket; returns how many the user still has."""
        ...

    async def count(self, user_id: uuid.UUID) -> int: ...

    async def renew(self, connections: Iterable[tuple[uuid.UUID, str]]) -> None: ...

    async def reap(self) -> list[uuid.UUID]:
        """Forget sockets whose leases lapsed (their instance died); the users left with none."""
        ...


class MemoryConnectionRegistry:
    def __init__(self) -> None:
        self._by_user: dict[uuid.UUID, set[str]] = {}

    async def add(self, user_id: uuid.UUID, connection_id: str, limit: int) -> tuple[bool, int]:
        conns = self._by_user.setdefault(user_id, set())
        if len(conns) >= limit:
            return False, len(conns)
        conns.add(connection_id)
        return True, len(conns)

    async def remove(self, user_id: uuid.UUID, connection_id: str) -> int:
        conns = self._by_user.get(user_id)
        if conns is None:
            return 0
        conns.discard(connection_id)
        if not conns:
            del self._by_user[user_id]
            return 0
        return len(conns)

    async def count(self, user_id: uuid.UUID) -> int:
        return len(self._by_user.get(user_id, ()))

    async def renew(self, connections: Iterable[tuple[uuid.UUID, str]]) -> None:
        return None

    async def reap(self) -> list[uuid.UUID]:
        return []  # one process: its sockets cannot outlive it


_ADD = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[3]) then return {0, n} end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[6])
return {1, n + 1}
"""

_REMOVE = """
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[3])
return redis.call('ZCARD', KEYS[1])
"""

# Pops up to ARGV[2] lapsed leases from the index (KEYS[1]) and drops each from its user's set
# (ARGV[3] .. user id). Returns the users whose last socket that was: only when the lease was still
# in the user's set, since otherwise a live instance already cleaned it up and spoke for the user.
_REAP = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local gone = {}
for _, entry in ipairs(expired) do
  redis.call('ZREM', KEYS[1], entry)
  local sep = string.find(entry, '|', 1, true)
  if sep then
    local key = ARGV[3] .. string.sub(entry, 1, sep - 1)
    local removed = redis.call('ZREM', key, string.sub(entry, sep + 1))
    redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
    if removed == 1 and redis.call('ZCARD', key) == 0 then
      table.insert(gone, string.sub(entry, 1, sep - 1))
    end
  end
end
return gone
"""


class RedisConnectionRegistry:
    def __init__(self, redis: Redis, lease_seconds: float = 90.0, prefix: str = "ws_conns:") -> None:
        self._redis = redis
        self._lease = lease_seconds
        self._prefix = prefix
        self._local = MemoryConnectionRegistry()
        self._index = f"{prefix.rstrip(':')}:leases"
        self._add = redis.register_script(_ADD)
        self._remove = redis.register_script(_REMOVE)
        self._reap = redis.register_script(_REAP)

    def _key(self, user_id: uuid.UUID) -> str:
        return f"{self._prefix}{user_id}"

    async def add(self, user_id: uuid.UUID, connection_id: str, limit: int) -> tuple[bool, int]:
        now = time.time()
        await self._local.add(user_id, connection_id, 1 << 30)
        try:
            ok, count = await self._add(
                keys=[self._key(user_id), self._index],
                args=[
                    now,
                    now + self._lease,
                    limit,
                    connection_id,
                    int(self._lease * 2000),
                    f"{user_id}|{connection_id}",
                ],
            )
        except Exception as exc:
            REDIS_ERRORS.labels("ws_registry").inc()
            log.warning("ws_registry_redis_unavailable", error=str(exc))
            await self._local.remove(user_id, connection_id)
            return await self._local.add(user_id, connection_id, limit)
        if not ok:
            await self._local.remove(user_id, connection_id)
        return bool(ok), int(count)

    async def remove(self, user_id: uuid.UUID, connection_id: str) -> int:
        local_left = await self._local.remove(user_id, connection_id)
        try:
            return int(
                await self._remove(
                    keys=[self._key(user_id), self._index],
                    args=[time.time(), connection_id, f"{user_id}|{connection_id}"],
                )
            )
        except Exception as exc:
            REDIS_ERRORS.labels("ws_registry").inc()
            log.warning("ws_registry_redis_unavailable", error=str(exc))
            return local_left

    async def count(self, user_id: uuid.UUID) -> int:
        try:
            return int(await self._redis.zcount(self._key(user_id), time.time(), "+inf"))
        except Exception:
            REDIS_ERRORS.labels("ws_registry").inc()
            return await self._local.count(user_id)

    async def renew(self, connections: Iterable[tuple[uuid.UUID, str]]) -> None:
        expires = time.time() + self._lease
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for user_id, connection_id in connections:
                    pipe.zadd(self._key(user_id), {connection_id: expires})
                    pipe.pexpire(self._key(user_id), int(self._lease * 2000))
                    pipe.zadd(self._index, {f"{user_id}|{connection_id}": expires})
                await pipe.execute()
        except Exception as exc:
            REDIS_ERRORS.labels("ws_registry").inc()
            log.warning("ws_registry_renew_failed", error=str(exc))

    async def reap(self, batch: int = 500) -> list[uuid.UUID]:
        try:
            gone = await self._reap(keys=[self._index], args=[time.time(), batch, self._prefix])
        except Exception as exc:
            REDIS_ERRORS.labels("ws_registry").inc()
            log.warning("ws_registry_reap_failed", error=str(exc))
            return []
        users = []
        for raw in gone:
            try:
                users.append(uuid.UUID(raw.decode() if isinstance(raw, bytes) else raw))
            except ValueError:
                continue
        if users:
            log.info("ws_leases_reaped", users=len(users))
        return users
