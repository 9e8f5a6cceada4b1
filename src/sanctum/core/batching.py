"""Coalescing: items submitted while one batch is in flight go out together as the next batch.

No timer: a lone item is flushed at once, and a busy caller gets batches as large as what queued up
while the previous one was in flight (at most `max_batch`), in submission order. Used for the group
commit (`db/batch.py`) and for pipelined Redis publishes (`broker/redis.py`).

`flush(items)` returns one result per item, in order; if it raises, every caller of that batch gets
the exception. A caller that is cancelled does not withdraw its item: it may still be flushed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Coalescer(Generic[T, R]):
    def __init__(self, flush: Callable[[list[T]], Awaitable[Sequence[R]]], *, max_batch: int, name: str) -> None:
        self._flush = flush
        self._max_batch = max_batch
        self._name = name
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """`item`'s result, once the batch it went out in has been flushed."""
        return await self.post(item)

    def post(self, item: T) -> asyncio.Future[R]:
        """Queue `item` without waiting; the future holds its result once its batch was flushed."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name=self._name)
        return future

    async def idle(self) -> None:
        """Return once everything submitted so far has been flushed (or has failed)."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
            try:
                results = await self._flush([item for item, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
