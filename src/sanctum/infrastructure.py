"""The infrastructure half of an instance, by mode: in-process parts embedded, Redis-backed ones scaled,
with one circuit breaker under every Redis client (resilience/redis.py). `services.build_services`
builds the domains on it. Imports infrastructure only, never a domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from sanctum.broker import Broker, InProcessBroker, RedisBroker
from sanctum.cache import Cache, MemoryCache, RedisCache
from sanctum.cache.local import InvalidationBus
from sanctum.realtime.endpoint import SESSIONS_PREFIX
from sanctum.realtime.presence import ConnectionRegistry, MemoryConnectionRegistry, RedisConnectionRegistry
from sanctum.realtime.tickets import MemoryTicketStore, RedisTicketStore, TicketStore
from sanctum.realtime.topics import ACCESS_PREFIX
from sanctum.resilience.breaker import Breakers
from sanctum.resilience.redis import guarded, redis_breaker
from sanctum.settings import Settings


@dataclass(frozen=True)
class Infrastructure:
    redis: Redis | None
    tickets: TicketStore
    registry: ConnectionRegistry
    broker: Broker
    bus: InvalidationBus
    game_bus: Broker
    cache: Cache
    breakers: Breakers
    # Keyword arguments that put the Redis breaker under a redis-py client (empty embedded).
    guard: dict[str, Any]


def build_infrastructure(settings: Settings) -> Infrastructure:
    rt = settings.realtime
    res = settings.resilience
    breakers = Breakers(res.breaker_failures, res.breaker_reset_seconds)
    url = settings.redis_url
    if not url:
        return Infrastructure(
            redis=None,
            tickets=MemoryTicketStore(rt.ticket_ttl_seconds),
            registry=MemoryConnectionRegistry(),
            broker=InProcessBroker(),
            bus=InvalidationBus(settings.database_url),
            game_bus=InProcessBroker(),
            cache=MemoryCache(),
            breakers=breakers,
            guard={},
        )
    breaker = breakers.add(redis_breaker(url, res.breaker_failures, res.breaker_reset_seconds))
    guard = guarded(breaker, url)
    redis = Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=2.0, **guard)
    return Infrastructure(
        redis=redis,
        tickets=RedisTicketStore(redis, rt.ticket_ttl_seconds),
        registry=RedisConnectionRegistry(redis, rt.lease_seconds),
        # Local-first: this instance's sockets first, Redis only for other instances' (broker/holders.py).
        broker=RedisBroker(
            url,
            connection=guard,
            breaker=breaker,
            local_first=True,
            holder_ttl=rt.holder_ttl_seconds,
            always_publish=(ACCESS_PREFIX, SESSIONS_PREFIX),
        ),
        bus=InvalidationBus(
            settings.database_url, RedisBroker(url, prefix="sanctum:bus:", connection=guard, breaker=breaker)
        ),
        # Real-time game inputs reach the instance running the room over a broker of their own.
        game_bus=RedisBroker(
            url,
            prefix="sanctum:games:",
            connection=guard,
            breaker=breaker,
            local_first=True,
            holder_ttl=rt.holder_ttl_seconds,
        ),
        cache=RedisCache(redis),
        breakers=breakers,
        guard=guard,
    )
