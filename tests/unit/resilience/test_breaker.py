"""The circuit breaker's states, on a fake clock: open after repeated failures, fail fast while open,
one trial half-open (the next call, or the breaker's own probe), closed again by a success."""

from __future__ import annotations

import asyncio

import pytest

from sanctum.resilience.breaker import CircuitBreaker, CircuitOpen


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_it_opens_after_consecutive_failures_refuses_while_open_and_lets_one_trial_through_after_the_reset() -> None:
    clock = Clock()
    breaker = CircuitBreaker("unit-http", failures=3, reset_seconds=5, clock=clock)
    breaker.failure()
    breaker.failure()
    breaker.success()  # not consecutive
    breaker.failure()
    breaker.failure()
    assert breaker.state == "closed"
    breaker.failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen):
        breaker.check()
    clock.now += 5
    assert breaker.allow() and breaker.state == "half_open"  # the trial
    assert not breaker.allow()  # the others wait for it
    breaker.failure()
    assert breaker.state == "open" and not breaker.allow()
    clock.now += 5
    assert breaker.allow()
    breaker.success()
    assert breaker.state == "closed" and breaker.allow()


async def test_with_a_probe_no_call_is_the_trial_and_the_probe_closes_it() -> None:
    clock = Clock()
    answers = [False, True]

    async def probe() -> None:
        if not answers.pop(0):
            raise ConnectionError("still down")

    breaker = CircuitBreaker("unit-redis", failures=1, reset_seconds=1, probe=probe, clock=clock)
    breaker.trip("test")
    clock.now += 1
    assert not breaker.allow()  # starts the probe, refuses the call
    await asyncio.sleep(0.01)
    assert breaker.state == "open"  # the probe failed
    clock.now += 1
    assert not breaker.allow()
    await asyncio.sleep(0.01)
    assert breaker.state == "closed" and breaker.allow()


async def test_call_counts_the_outcome_of_what_it_wraps() -> None:
    breaker = CircuitBreaker("unit-call", failures=1, reset_seconds=60)

    async def boom() -> None:
        raise OSError("refused")

    with pytest.raises(OSError):
        await breaker.call(boom)
    with pytest.raises(CircuitOpen):
        await breaker.call(boom)
