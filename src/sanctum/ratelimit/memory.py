"""Moving windows in this process's memory: embedded mode's counters, and scaled mode's while Redis is away.

Why not `limits`' MemoryStorage: each hit there takes an asyncio lock and (re)starts a timer task that
walks every key, hopping to a worker thread for each (`asyncio.to_thread`), and inserts at the front
of a list; under load those showed in a send's profile. Here a hit is a few dictionary and deque
operations on the loop's thread, nothing awaits, so no lock is needed.

The same semantics as `limits`' moving window (`MovingWindowRateLimiter`): a hit is allowed when
fewer than `amount` hits of this key were allowed in the last `expiry` seconds; a refused hit is not
counted. Only the last `amount` allowed hits of a key are kept (an older one can no longer decide),
and keys idle past their window are dropped once a minute.
"""

from __future__ import annotations

import time
from collections import deque

from limits import RateLimitItem
from limits.util import WindowStats

_SWEEP_SECONDS = 60.0

_Key = tuple[str, str, int, int]


class MemoryWindows:
    def __init__(self) -> None:
        self._hits: dict[_Key, deque[float]] = {}
        self._next_sweep = time.monotonic() + _SWEEP_SECONDS

    def __len__(self) -> int:
        return len(self._hits)

    async def hit(self, item: RateLimitItem, name: str, key: str) -> bool:
        """Spend one hit of `key` at this rate: false (and nothing spent) when the window is full."""
        if item.amount < 1:
            return False
        now = time.time()
        expiry = item.get_expiry()
        slot = (name, key, item.amount, expiry)
        hits = self._hits.get(slot)
        if hits is None:
            if time.monotonic() >= self._next_sweep:
                self.sweep(now)
            hits = self._hits[slot] = deque(maxlen=item.amount)
        if len(hits) == item.amount and hits[0] >= now - expiry:
            return False
        hits.append(now)
        return True

    async def get_window_stats(self, item: RateLimitItem, name: str, key: str) -> WindowStats:
        """When the oldest hit in the window leaves it, and what is left of the allowance."""
        now = time.time()
        expiry = item.get_expiry()
        hits = self._hits.get((name, key, item.amount, expiry), ())
        in_window = [t for t in hits if t > now - expiry]
        start = in_window[0] if in_window else now
        return WindowStats(start + expiry, item.amount - len(in_window))

    def sweep(self, now: float | None = None) -> None:
        """Drop the keys whose every hit has left its window."""
        now = time.time() if now is None else now
        for slot in [s for s, hits in self._hits.items() if not hits or hits[-1] <= now - s[3]]:
            del self._hits[slot]
        self._next_sweep = time.monotonic() + _SWEEP_SECONDS
