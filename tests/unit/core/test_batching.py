"""Coalescing: what queues up while one batch is in flight goes out as the next batch."""

from __future__ import annotations

import asyncio

import pytest

from sanctum.core.batching import Coalescer


class Recorder:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()
        self.release.set()

    async def flush(self, items: list[int]) -> list[int]:
        self.batches.append(items)
        await self.release.wait()
        if -1 in items:
            raise ValueError("bad item")
        return [item * 10 for item in items]


async def test_a_lone_item_is_flushed_at_once() -> None:
    recorder = Recorder()
    coalescer: Coalescer[int, int] = Coalescer(recorder.flush, max_batch=10, name="test")

    assert await coalescer.submit(1) == 10
    assert recorder.batches == [[1]]


async def test_items_submitted_during_a_flush_form_the_next_batch_in_order_up_to_max_batch() -> None:
    recorder = Recorder()
    recorder.release.clear()
    coalescer: Coalescer[int, int] = Coalescer(recorder.flush, max_batch=3, name="test")
    first = asyncio.create_task(coalescer.submit(0))
    await asyncio.sleep(0)  # the first flush starts and waits
    rest = [asyncio.create_task(coalescer.submit(n)) for n in range(1, 6)]
    await asyncio.sleep(0)
    recorder.release.set()

    assert await asyncio.gather(first, *rest) == [0, 10, 20, 30, 40, 50]
    assert recorder.batches == [[0], [1, 2, 3], [4, 5]]
    await coalescer.idle()


async def test_a_failing_flush_fails_every_caller_of_its_batch_and_only_them() -> None:
    recorder = Recorder()
    recorder.release.clear()
    coalescer: Coalescer[int, int] = Coalescer(recorder.flush, max_batch=2, name="test")
    first = asyncio.create_task(coalescer.submit(0))
    await asyncio.sleep(0)
    doomed = [asyncio.create_task(coalescer.submit(n)) for n in (-1, 7)]
    later = asyncio.create_task(coalescer.submit(8))
    await asyncio.sleep(0)
    recorder.release.set()

    assert await first == 0
    for task in doomed:
        with pytest.raises(ValueError, match="bad item"):
            await task
    assert await later == 80
    assert recorder.batches == [[0], [-1, 7], [8]]
