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

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.database import Database

T = TypeVar("T")

Work = Callable[[AsyncSession], Awaitable[Any]]


class GroupCommit:
    def __init__(self, db: Database, max_batch: int = 500) -> None:
        self._db = db
        self._max_batch = max_batch
        self._pending: list[tuple[Work, asyncio.Future[Any]]] = []
        self._task: asyncio.Task[None] | None = None

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run `work` in the next batch's transaction; its result once that transaction committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append((work, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="group-commit")
        return await future

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
            results: list[Any] = []
            try:
                async with self._db.writer() as db:
                    for work, _ in batch:
                        results.append(await work(db))
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
