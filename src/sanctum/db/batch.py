"""Group commit: many small independent writes, submitted concurrently, share one transaction.

A hundred real-time game rooms each renewing a lease and saving a restore point every second is a
few hundred one-statement transactions a second: on PostgreSQL each is a pool checkout and a commit
(a WAL flush), on SQLite a turn of the single writer. Submitted here instead, the writes that arrive
while one batch is committing form the next batch, so a busy instance commits a few times a second
and an idle one commits each write at once (no timer, no added latency when nothing else waits).

The price: a batch succeeds or fails as a whole. If any write in it raises, the transaction rolls
back and every caller of that batch gets the exception, so use this only for writes that are safe
to retry (version-checked updates, lease renewals) and whose callers treat a failure as "try again
later". A caller that is cancelled does not withdraw its write: it may still commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.batching import Coalescer
from sanctum.db.database import Database

T = TypeVar("T")

Work = Callable[[AsyncSession], Awaitable[Any]]


class GroupCommit:
    def __init__(self, db: Database, max_batch: int = 500) -> None:
        self._db = db
        self._batches: Coalescer[Work, Any] = Coalescer(self._commit, max_batch=max_batch, name="group-commit")

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run `work` in the next batch's transaction; its result once that transaction committed."""
        return cast(T, await self._batches.submit(work))

    async def _commit(self, batch: list[Work]) -> list[Any]:
        async with self._db.writer() as db:
            return [await work(db) for work in batch]
