"""The job runner's retry schedule, without a queue or a database."""

from __future__ import annotations

from typing import Any, cast

import pytest

from sanctum.db.database import Database
from sanctum.jobs.base import backoff_delay
from sanctum.jobs.runner import JobRunner
from sanctum.settings import JobSettings


@pytest.mark.parametrize("rand", [0.0, 0.5, 0.999])
def test_backoff_doubles_per_attempt_up_to_the_cap_with_half_of_it_random(rand: float) -> None:
    delays = [backoff_delay(n, base=1.0, cap=8.0, rand=rand) for n in range(1, 7)]
    ceilings = [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    for delay, ceiling in zip(delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling
        assert delay == pytest.approx(ceiling / 2 + rand * ceiling / 2)


async def test_a_job_that_fails_twice_is_retried_after_growing_delays_and_then_succeeds() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    runner = JobRunner(
        JobSettings(max_attempts=5, backoff_base_seconds=1.0, backoff_max_seconds=60.0),
        cast(Database, None),  # no dead letter on this path
        sleep=sleep,
        rand=lambda: 1.0,
    )
    seen: list[dict[str, Any]] = []

    async def flaky(payload: dict[str, Any]) -> None:
        seen.append(payload)
        if len(seen) < 3:
            raise RuntimeError("transient")

    runner.register("test.flaky", flaky)
    assert await runner.run("test.flaky", {"n": 1}) == "success"
    assert seen == [{"n": 1}] * 3
    assert slept == [1.0, 2.0]
    assert runner.running == 0


def test_a_job_name_cannot_be_registered_twice() -> None:
    runner = JobRunner(JobSettings(), cast(Database, None))

    async def job(payload: dict[str, Any]) -> None:
        return None

    runner.register("test.job", job)
    with pytest.raises(ValueError, match="registered twice"):
        runner.register("test.job", job)
