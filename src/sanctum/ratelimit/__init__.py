"""Rate limiting on the `limits` library: in memory embedded, in Redis scaled.

Infrastructure: imports `sanctum.core` and `sanctum.observability`; never a domain.
"""

from sanctum.ratelimit.limiter import RateLimiter

__all__ = ["RateLimiter"]
