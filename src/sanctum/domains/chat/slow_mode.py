"""Slow mode: a room's owner or moderators let each member send one message per N seconds.

Whoever may manage the room (`room.manage`: its owner and moderators) is exempt; the caller decides.
The spacing is kept by the rate limiter (one per N seconds per
member of the room; in Redis scaled, so every instance agrees), and a message inside the window is
refused like any rate limit: 429 RATE_LIMITED, `details.limit` = "slow_mode", the seconds left in
`Retry-After` and `details.retry_after`, which the web client's composer counts down.
"""

from __future__ import annotations

import uuid

from limits import RateLimitItemPerSecond

from sanctum.domains.chat.access import RoomRecord
from sanctum.ratelimit import RateLimiter

SLOW_MODE_LIMIT = "slow_mode"
MAX_SLOW_MODE_SECONDS = 6 * 3600


class SlowMode:
    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter

    async def spend(self, record: RoomRecord, user_id: uuid.UUID) -> None:
        """Raise RateLimited if this member sent a message here less than the room's interval ago."""
        seconds = record.slow_mode_seconds
        if not seconds:
            return
        rate = RateLimitItemPerSecond(1, seconds)
        message = f"Slow mode is on: one message every {seconds} s."
        await self._limiter.hit_rates(SLOW_MODE_LIMIT, (rate,), f"{record.id}:{user_id}", message)
