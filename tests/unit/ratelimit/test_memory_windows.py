"""The in-memory moving windows answer as `limits`' own moving window does, hit for hit, without its
locks and timer tasks; idle keys are dropped."""

from __future__ import annotations

import random
import time

import pytest
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from sanctum.ratelimit.memory import MemoryWindows


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(time, "time", fake)
    return fake


async def test_every_hit_is_answered_as_the_limits_library_answers_it(clock: Clock) -> None:
    ours, theirs = MemoryWindows(), MovingWindowRateLimiter(MemoryStorage())
    rates = [RateLimitItemPerSecond(3, 2), RateLimitItemPerMinute(5)]
    shuffle = random.Random(11)
    answers = []
    for _ in range(400):
        clock.now += shuffle.choice([0.0, 0.1, 0.5, 1.0, 2.5, 20.0])
        rate, who = shuffle.choice(rates), shuffle.choice(["alice", "bob"])
        mine = await ours.hit(rate, "chat_message", who)
        assert mine == await theirs.hit(rate, "chat_message", who), (clock.now, rate, who)
        answers.append(mine)
        if not mine:
            stats = await ours.get_window_stats(rate, "chat_message", who)
            expected = await theirs.get_window_stats(rate, "chat_message", who)
            assert (stats.reset_time, stats.remaining) == pytest.approx((expected.reset_time, expected.remaining))
    assert True in answers and False in answers  # the schedule both allows and refuses


async def test_a_refused_hit_is_not_counted_and_the_window_moves_on(clock: Clock) -> None:
    windows = MemoryWindows()
    rate = RateLimitItemPerMinute(2)
    assert await windows.hit(rate, "post", "alice")
    clock.now += 30
    assert await windows.hit(rate, "post", "alice")
    assert not await windows.hit(rate, "post", "alice")
    assert await windows.hit(rate, "post", "bob")
    stats = await windows.get_window_stats(rate, "post", "alice")
    assert stats.remaining == 0 and stats.reset_time == pytest.approx(clock.now + 30)

    clock.now += 30.5  # the first hit has left the window; the refused one never counted
    assert await windows.hit(rate, "post", "alice")
    assert not await windows.hit(rate, "post", "alice")


async def test_keys_idle_past_their_window_are_dropped(clock: Clock) -> None:
    windows = MemoryWindows()
    rate = RateLimitItemPerMinute(5)
    for who in ("alice", "bob", "carol"):
        await windows.hit(rate, "post", who)
    clock.now += 45
    await windows.hit(rate, "post", "alice")
    clock.now += 30
    windows.sweep()
    assert len(windows) == 1  # alice hit 30 s ago; bob's and carol's hits have left their window
