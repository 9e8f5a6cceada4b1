"""The tick scheduler (engine/ticker.py): the rooms of a rate spread over its slots, one pass per
slot hands its frames over together, and a pass that starts a whole period late is an overrun."""

from __future__ import annotations

import time
from collections.abc import Sequence

from sanctum.core.events import Event, make_event
from sanctum.domains.games.engine.ticker import SLOTS, TickScheduler
from tests.support.live import eventually


class Room:
    def __init__(self, name: str, stall: float = 0.0) -> None:
        self.name = name
        self.ticks = 0
        self.stall = stall

    def tick(self, now: float) -> Event | None:
        self.ticks += 1
        if self.stall and self.ticks == 2:
            time.sleep(self.stall)  # a tick that blocks the loop (a plugin's slow step)
        return make_event(f"game:{self.name}", "game.delta", {"tick": self.ticks})


async def test_rooms_are_staggered_over_the_slots_and_a_pass_delivers_its_slots_frames_together() -> None:
    batches: list[list[str]] = []

    async def deliver(frames: Sequence[Event]) -> None:
        batches.append([f.topic for f in frames])

    scheduler = TickScheduler(30, deliver)
    rooms = [Room(str(i)) for i in range(2 * SLOTS)]
    for room in rooms:
        scheduler.add(room)
    assert sorted(len(slot) for slot in scheduler.slots) == [2] * SLOTS
    slot_of = {f"game:{r.name}": scheduler.where[id(r)] for r in rooms}
    await eventually(lambda: min(r.ticks for r in rooms) >= 3)
    await scheduler.stop()

    assert all(len(batch) == 2 and len({slot_of[t] for t in batch}) == 1 for batch in batches)
    scheduler.remove(rooms[0])
    assert id(rooms[0]) not in scheduler.where and len(scheduler) == 2 * SLOTS - 1


async def test_a_pass_a_whole_period_late_counts_as_an_overrun_and_the_rooms_tick_on() -> None:
    async def deliver(frames: Sequence[Event]) -> None:
        return None

    scheduler = TickScheduler(30, deliver)
    stalled, other = Room("slow", stall=0.2), Room("other")  # 0.2 s: six periods
    scheduler.add(stalled)
    scheduler.add(other)
    await eventually(lambda: stalled.ticks >= 4 and other.ticks >= 4)
    await scheduler.stop()

    assert scheduler.overruns >= 1
