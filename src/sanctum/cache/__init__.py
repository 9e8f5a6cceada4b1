"""Cache-aside infrastructure: in-process TTL cache embedded, Redis scaled.

Infrastructure: imports `sanctum.core` and `sanctum.observability`; never a domain.
"""

from sanctum.cache.base import Cache, CachedJson
from sanctum.cache.memory import MemoryCache
from sanctum.cache.redis import RedisCache

__all__ = ["Cache", "CachedJson", "MemoryCache", "RedisCache"]
