"""Named rate limits on the `limits` library: in memory embedded, in Redis scaled (docs/rate-limits.md).

Infrastructure: imports `sanctum.core`, `sanctum.settings` and `sanctum.observability`; never a domain.
"""

from sanctum.ratelimit.limiter import RateLimiter, parse_rates

__all__ = ["RateLimiter", "parse_rates"]
