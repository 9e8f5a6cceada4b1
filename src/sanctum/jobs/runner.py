"""Running one job: retries with exponential backoff and jitter, then the dead-letter queue; metrics.

Retries happen in place, inside the one delivery of the job: the queue's message stays unacknowledged
until the job succeeded or was dead-lettered, so a worker that dies mid-retry loses nothing (the message
is redelivered to another worker, which starts the attempts over; jobs are idempotent).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Literal

import orjson

from sanctum.core.clock import utcnow
from sanctum.db.database import Database
from sanctum.jobs.base import JobFunction, Payload, PermanentJobError, backoff_delay
from sanctum.jobs.deadletter import DeadLetters
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import JOB_DURATION, JOBS_COMPLETED
from sanctum.settings import JobSettings

log = get_logger("sanctum.jobs")

Outcome = Literal["success", "dead"]
MAX_ERROR_CHARS = 2000


class UnknownJob(PermanentJobError):
    pass


class JobRunner:
    def __init__(
        self,
        settings: JobSettings,
        db: Database,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._settings = settings
        self._jobs: dict[str, JobFunction] = {}
        self._sleep = sleep
        self._rand = rand
        self.dead_letters = DeadLetters(db)
        self.running = 0

    def register(self, name: str, fn: JobFunction) -> None:
        if name in self._jobs:
            raise ValueError(f"job {name!r} is registered twice")
        self._jobs[name] = fn

    def __contains__(self, name: object) -> bool:
        return name in self._jobs

    async def run(self, name: str, payload: Payload) -> Outcome:
        self.running += 1
        try:
            return await self._run(name, payload)
        finally:
            self.running -= 1

    async def _run(self, name: str, payload: Payload) -> Outcome:
        s = self._settings
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                fn = self._jobs.get(name)
                if fn is None:
                    raise UnknownJob(f"no job is registered as {name!r}")
                await fn(payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                JOB_DURATION.labels(name).observe(time.perf_counter() - started)
                permanent = isinstance(exc, PermanentJobError)
                if attempt < s.max_attempts and not permanent:
                    JOBS_COMPLETED.labels(name, "retry").inc()
                    delay = backoff_delay(attempt, s.backoff_base_seconds, s.backoff_max_seconds, self._rand())
                    log.warning("job_failed", job=name, attempt=attempt, retry_in=round(delay, 3), error=repr(exc))
                    await self._sleep(delay)
                    continue
                JOBS_COMPLETED.labels(name, "dead").inc()
                log.error("job_dead_lettered", job=name, attempt=attempt, error=repr(exc), payload=payload)
                error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
                await self.dead_letters.add(name, orjson.dumps(payload).decode(), error, attempt, utcnow())
                return "dead"
            JOB_DURATION.labels(name).observe(time.perf_counter() - started)
            JOBS_COMPLETED.labels(name, "success").inc()
            return "success"
