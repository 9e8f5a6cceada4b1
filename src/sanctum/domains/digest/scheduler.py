"""Runs the digest's rounds every DIGEST__INTERVAL_MINUTES, in the process that runs schedules (the server
in embedded mode, `sanctum worker` in scaled mode).

Rounds fall on fixed times (multiples of the interval since the Unix epoch), and a round's cutoff is
computed from its own time, not the clock: two workers running the same round queue the same work, and
the claim in the job sends each mention once. A PostgreSQL advisory lock (db/locks.py) keeps the
second one from even looking while the first runs. A round that fails is logged and the next one
picks its mentions up.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from datetime import UTC, datetime

from sanctum.core.clock import utcnow
from sanctum.db.database import Database
from sanctum.db.locks import exclusive, lock_key
from sanctum.domains.digest.service import DigestService, log

ADVISORY_LOCK_KEY = lock_key(b"SANCTUMD")


def round_time(now: datetime, interval_seconds: float) -> datetime:
    """The latest round time at or before `now`."""
    slot = math.floor(now.timestamp() / interval_seconds) * interval_seconds
    return datetime.fromtimestamp(slot, UTC)


class DigestScheduler:
    def __init__(self, db: Database, digest: DigestService, interval_minutes: float) -> None:
        self._db, self._digest = db, digest
        self._interval = interval_minutes * 60
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._interval <= 0 or self._task is not None:
            return
        self._task = asyncio.create_task(self._loop(), name="digest-scheduler")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run_round(self, at: datetime) -> int | None:
        """Run the round of time `at` unless another process is running one; None when it did not."""
        async with exclusive(self._db, ADVISORY_LOCK_KEY) as mine:
            return await self._digest.run_round(at) if mine else None

    async def _loop(self) -> None:
        while True:
            now = utcnow()
            at = round_time(now, self._interval)
            next_at = at.timestamp() + self._interval
            await asyncio.sleep(max(0.0, next_at - now.timestamp()))
            try:
                await self.run_round(datetime.fromtimestamp(next_at, UTC))
            except Exception as exc:
                log.error("digest_round_failed", error=f"{type(exc).__name__}: {exc}"[:300])
