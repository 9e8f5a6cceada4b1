"""One tick scheduler per tick rate: every real-time room of that rate on this instance, on one task.

A sleeping task per room wakes 30 times a second per room, each on its own timer, and drifts by its
own lateness. Here a rate's period is cut into `SLOTS` slots; a room joins the least loaded slot (so
rooms are staggered across the period and the CPU of a period is spread evenly), and the scheduler
wakes once per non-empty slot at deadlines computed from a fixed origin on the monotonic clock
(`origin + n * slot`), never from the time it woke up, so lateness does not accumulate. A pass ticks
the slot's rooms (plain function calls: `Ticking.tick` does no I/O) and hands every frame they made
to `deliver` at once, so a socket watching several rooms of the pass gets them in one write.

A pass that starts a whole period or more after its deadline is an overrun (counted in
`game_tick_overruns_total`): the scheduler skips the passes it missed, back onto its grid, rather
than ticking rooms twice in a row to catch up (a room's `dt` covers the time that passed).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from sanctum.core.events import Event
from sanctum.domains.games.engine.frames import count as count_frames
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import GAME_TICK_LAG, GAME_TICK_OVERRUNS

log = get_logger("sanctum.games")

SLOTS = 8

Deliver = Callable[[Sequence[Event]], Awaitable[None]]


class Ticking(Protocol):
    """A real-time room as the scheduler sees it."""

    def tick(self, now: float) -> Event | None:
        """Advance the room to `now` (monotonic seconds); the frame to publish, if any. No I/O."""
        ...


class TickScheduler:
    """The rooms of one tick rate, ticked from one task."""

    def __init__(self, rate: int, deliver: Deliver, slots: int = SLOTS) -> None:
        self.rate = rate
        self.period = 1.0 / rate
        self.slot_length = self.period / slots
        self.slots: list[list[Ticking]] = [[] for _ in range(slots)]
        self.where: dict[int, int] = {}  # id(room) -> its slot
        self._deliver = deliver
        self._task: asyncio.Task[None] | None = None
        self._wakeup = asyncio.Event()
        self.passes = 0
        self.overruns = 0

    def __len__(self) -> int:
        return len(self.where)

    def add(self, room: Ticking) -> None:
        if id(room) in self.where:
            return
        slot = min(range(len(self.slots)), key=lambda i: len(self.slots[i]))
        self.slots[slot].append(room)
        self.where[id(room)] = slot
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"game-ticks-{self.rate}hz")
        self._wakeup.set()

    def remove(self, room: Ticking) -> None:
        slot = self.where.pop(id(room), None)
        if slot is not None:
            self.slots[slot].remove(room)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        count = len(self.slots)
        origin = time.monotonic()
        n = 0
        while True:
            if not self.where:
                self._wakeup.clear()
                await self._wakeup.wait()
                # Back on the grid after an idle spell, from now.
                n = math.ceil((time.monotonic() - origin) / self.slot_length)
                continue
            # The next slot that holds a room (at most one period ahead).
            while not self.slots[n % count]:
                n += 1
            deadline = origin + n * self.slot_length
            delay = deadline - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.monotonic()
            late = now - deadline
            if late >= self.period:
                self.overruns += 1
                GAME_TICK_OVERRUNS.labels(str(self.rate)).inc()
                n = math.ceil((now - origin) / self.slot_length)
                continue
            GAME_TICK_LAG.observe(max(0.0, late))
            frames: list[Event] = []
            for room in list(self.slots[n % count]):
                try:
                    frame = room.tick(now)
                except Exception:
                    log.exception("game_tick_failed")
                    self.remove(room)
                    continue
                if frame is not None:
                    frames.append(frame)
            self.passes += 1
            n += 1
            if frames:
                count_frames(frames)
                try:
                    await self._deliver(frames)
                except Exception:
                    log.exception("game_frames_delivery_failed", frames=len(frames))


class Tickers:
    """The schedulers of this instance, one per tick rate in use."""

    def __init__(self, deliver: Deliver) -> None:
        self._deliver = deliver
        self.by_rate: dict[int, TickScheduler] = {}

    def add(self, room: Ticking, rate: int) -> None:
        scheduler = self.by_rate.get(rate)
        if scheduler is None:
            scheduler = self.by_rate[rate] = TickScheduler(rate, self._deliver)
        scheduler.add(room)

    def remove(self, room: Ticking, rate: int) -> None:
        scheduler = self.by_rate.get(rate)
        if scheduler is not None:
            scheduler.remove(room)

    async def stop(self) -> None:
        for scheduler in self.by_rate.values():
            await scheduler.stop()
