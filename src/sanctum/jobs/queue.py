"""The job queue on taskiq: `InMemoryBroker` embedded, a taskiq-redis stream broker scaled (`stream.py`).

Scaled, a job is an entry of one Redis stream read by a consumer group: each worker takes entries with
XREADGROUP and acknowledges one (XACK) only after the job finished (succeeded or dead-lettered). An entry
a worker took and never acknowledged (the worker was killed) is claimed by another worker once it has been
idle for `redelivery_seconds` (XAUTOCLAIM): at-least-once delivery, made exactly-once in effect by
idempotent jobs. When Redis cannot take a job, it runs in this process instead (logged and counted):
the write that asked for it has already committed, so losing the job would lose the notification.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import orjson
from opentelemetry.trace import SpanKind
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from taskiq import AcknowledgeType, AsyncBroker, AsyncTaskiqDecoratedTask, Context, InMemoryBroker, TaskiqDepends
from taskiq.receiver import Receiver

from sanctum.core.clock import utcnow
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.jobs.base import JobFunction, Payload
from sanctum.jobs.models import DeadLetter
from sanctum.jobs.outbox import Outbox
from sanctum.jobs.runner import JobRunner, Outcome
from sanctum.jobs.stream import ReclaimingStreamBroker
from sanctum.observability import tracing
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import JOBS_ENQUEUED, JOBS_QUEUE_AGE, JOBS_QUEUE_DEPTH, REDIS_ERRORS
from sanctum.settings import JobSettings, Settings

log = get_logger("sanctum.jobs")

CONSUMER_GROUP = "sanctum-workers"
# The taskiq label a job carries the W3C traceparent of its enqueue in (tracing on).
TRACE_LABEL = "traceparent"
# How often a process working the queue samples its depth and age (jobs_queue_* gauges).
METRICS_SECONDS = 15.0


class TaskiqJobQueue:
    def __init__(
        self, settings: JobSettings, db: Database, redis_url: str | None, connection: Mapping[str, Any] | None = None
    ) -> None:
        self.settings = settings
        self.runner = JobRunner(settings, db)
        self.local: InMemoryBroker = InMemoryBroker()
        self.remote: ReclaimingStreamBroker | None = None
        if redis_url:
            self.remote = ReclaimingStreamBroker(
                redis_url,
                queue_name=settings.queue_name,
                consumer_group_name=CONSUMER_GROUP,
                # A group created after jobs were queued still sees them.
                consumer_id="0",
                xread_block=max(1, int(settings.poll_seconds * 1000)),
                idle_timeout=max(1, int(settings.redelivery_seconds * 1000)),
                maxlen=settings.stream_max_length,
                approximate=True,
                xread_count=settings.concurrency,
                socket_connect_timeout=1.0,
                socket_timeout=settings.poll_seconds + 5.0,
                # A pooled connection Redis closed meanwhile (its idle `timeout`) is reopened and the
                # command sent again: a repeated XADD is a repeated job, which jobs tolerate.
                retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
                retry_on_error=[RedisConnectionError],
                **(connection or {}),
            )
        self.outbox = Outbox(db, self.enqueue, settings.outbox_poll_seconds, settings.outbox_grace_seconds)
        self._local_tasks: dict[str, AsyncTaskiqDecoratedTask[..., Any]] = {}
        self._remote_tasks: dict[str, AsyncTaskiqDecoratedTask[..., Any]] = {}
        self._worker: asyncio.Task[None] | None = None
        self._sampler: asyncio.Task[None] | None = None
        self._finish = asyncio.Event()
        self._started = False

    @property
    def mode(self) -> str:
        return "redis" if self.remote is not None else "in-process"

    def _brokers(self) -> list[AsyncBroker]:
        return [self.local] if self.remote is None else [self.local, self.remote]

    # -- the JobQueue protocol ----------------------------------------------------------------

    def register(self, name: str, fn: JobFunction) -> None:
        self.runner.register(name, fn)

        async def task(payload: dict[str, Any], context: Context = TaskiqDepends()) -> str:
            if tracing.active():
                # A run of its own (a retry or a redelivery is another run), linked to the enqueue.
                linked = context.message.labels.get(TRACE_LABEL)
                with tracing.span(
                    f"job {name}", link=str(linked or ""), kind=SpanKind.CONSUMER, attributes={"sanctum.job": name}
                ):
                    outcome: Outcome = await self.runner.run(name, payload)
            else:
                outcome = await self.runner.run(name, payload)
            # Acknowledged only now that the job is done (or dead-lettered): a worker that dies or is
            # cancelled before this line leaves the entry pending, and another worker claims it.
            if context.is_ackable:
                try:
                    await context.ack()
                except Exception as exc:  # done anyway: the redelivery will find nothing to do
                    REDIS_ERRORS.labels("jobs_ack").inc()
                    log.warning("job_ack_failed", job=name, error=str(exc))
            return outcome

        self._local_tasks[name] = self.local.register_task(task, task_name=name)
        if self.remote is not None:
            self._remote_tasks[name] = self.remote.register_task(task, task_name=name)

    async def enqueue(self, name: str, payload: Payload) -> None:
        if name not in self.runner:
            raise KeyError(f"no job is registered as {name!r}")
        if tracing.active():
            with tracing.span(f"job.enqueue {name}", kind=SpanKind.PRODUCER, attributes={"sanctum.job": name}):
                await self._enqueue(name, payload, tracing.current_traceparent())
        else:
            await self._enqueue(name, payload, "")

    async def _enqueue(self, name: str, payload: Payload, trace: str) -> None:
        labels = {TRACE_LABEL: trace} if trace else {}
        if self.remote is not None:
            try:
                await self._remote_tasks[name].kicker().with_labels(**labels).kiq(payload)
            except Exception as exc:
                REDIS_ERRORS.labels("jobs_enqueue").inc()
                log.warning("job_enqueue_failed", job=name, error=str(exc), fallback="in-process")
            else:
                JOBS_ENQUEUED.labels(name).inc()
                return
        await self._local_tasks[name].kicker().with_labels(**labels).kiq(payload)
        JOBS_ENQUEUED.labels(name).inc()

    def enqueue_after_commit(self, db: UnitOfWork, name: str, payload: Payload) -> None:
        if name not in self.runner:
            raise KeyError(f"no job is registered as {name!r}")
        self.outbox.add(db, name, payload)

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self, *, work: bool | None = None) -> None:
        """Connect; `work` (default: the `in_app_worker` setting) also consumes the Redis stream here."""
        await self.local.startup()
        if self.remote is not None:
            try:
                await self.remote.startup()  # declares the consumer group
            except Exception as exc:  # Redis down: jobs run in-process until it is back
                REDIS_ERRORS.labels("jobs_startup").inc()
                log.warning("jobs_redis_unavailable", error=str(exc))
            if self.settings.in_app_worker if work is None else work:
                self._finish.clear()
                self._worker = asyncio.create_task(self._work(self.remote), name="jobs-worker")
        if self.remote is None or self._worker is not None:
            self._sampler = asyncio.create_task(self._sample_forever(), name="jobs-metrics")
        self._started = True
        self.outbox.start()
        await self.runner.dead_letters.refresh_gauge()

    async def _work(self, broker: ReclaimingStreamBroker) -> None:
        """Consume the stream until `stop`: taskiq's receiver, acknowledging manually (see `register`)."""
        broker.is_worker_process = True
        with ThreadPoolExecutor(max_workers=1) as executor:
            while not self._finish.is_set():
                receiver = Receiver(
                    broker,
                    executor,
                    run_startup=False,
                    max_async_tasks=self.settings.concurrency,
                    ack_type=AcknowledgeType.MANUAL,
                    wait_tasks_timeout=self.settings.shutdown_seconds,
                )
                try:
                    await receiver.listen(self._finish)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # Redis went away: read again after a pause
                    REDIS_ERRORS.labels("jobs_listen").inc()
                    log.warning("jobs_listen_failed", error=str(exc))
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(1.0):
                            await self._finish.wait()

    async def stop(self) -> None:
        """Stop taking jobs, let running ones finish (up to `shutdown_seconds`), then disconnect."""
        await self.outbox.stop()
        if self._sampler is not None:
            self._sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sampler
            self._sampler = None
        if self._worker is not None:
            self._finish.set()
            worker, self._worker = self._worker, None
            done, _ = await asyncio.wait({worker}, timeout=self.settings.shutdown_seconds + 5)
            if not done:
                worker.cancel()
                # Bounded even if something under the worker ignores its cancellation: shutdown
                # must finish (a stuck task is abandoned, and named in the log).
                done, _ = await asyncio.wait({worker}, timeout=5.0)
                if not done:
                    log.warning("jobs_worker_abandoned_at_shutdown")
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    log.warning("jobs_worker_failed", error=str(task.exception()))
        try:  # in-process jobs (embedded, or fallbacks) get the same grace
            async with asyncio.timeout(self.settings.shutdown_seconds):
                await self.drain()
        except TimeoutError:
            log.warning("jobs_abandoned_at_shutdown", running=self.runner.running)
        if self._started:
            for broker in self._brokers():
                with contextlib.suppress(Exception):
                    await broker.shutdown()
            self._started = False

    async def drain(self) -> None:
        """Wait for the jobs running in this process (in-process jobs; tests and shutdown)."""
        await self.local.wait_all()

    async def backlog(self) -> int:
        """Jobs not finished: running here, plus (scaled) queued or taken but unacknowledged in Redis."""
        count = self.runner.running
        if self.remote is not None:
            async with Redis(connection_pool=self.remote.connection_pool) as redis:
                for group in await redis.xinfo_groups(self.settings.queue_name):
                    if _text(group["name"]) == CONSUMER_GROUP:
                        count += int(group["pending"]) + int(group.get("lag") or 0)
        return count

    async def sample_metrics(self) -> None:
        """Set jobs_queue_depth and jobs_queue_oldest_age_seconds (stream ids are their ms timestamps)."""
        depth = await self.backlog()
        oldest: list[float] = []
        if self.remote is not None:
            queue = self.settings.queue_name
            async with Redis(connection_pool=self.remote.connection_pool) as redis:
                summary = await redis.xpending(queue, CONSUMER_GROUP)
                if summary.get("pending") and summary.get("min"):
                    oldest.append(_stamp(summary["min"]))
                for group in await redis.xinfo_groups(queue):
                    if _text(group["name"]) == CONSUMER_GROUP:
                        waiting = await redis.xrange(queue, min="(" + _text(group["last-delivered-id"]), count=1)
                        if waiting:
                            oldest.append(_stamp(waiting[0][0]))
        JOBS_QUEUE_DEPTH.set(depth)
        JOBS_QUEUE_AGE.set(max(0.0, time.time() - min(oldest)) if oldest else 0.0)

    async def _sample_forever(self) -> None:
        while True:
            try:
                await self.sample_metrics()
            except Exception as exc:
                REDIS_ERRORS.labels("jobs_metrics").inc()
                log.debug("jobs_metrics_failed", error=str(exc))
            await asyncio.sleep(METRICS_SECONDS)

    async def settle(self, within: float = 10.0, interval: float = 0.01) -> None:
        """Wait until every job queued so far has finished (tests, benchmarks, the CLI)."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            await self.drain()
            if await self.backlog() == 0:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"jobs still pending after {within} s")
            await asyncio.sleep(interval)

    # -- the dead-letter queue ----------------------------------------------------------------

    async def dead_letters(self, limit: int = 100, *, include_retried: bool = False) -> list[DeadLetter]:
        return await self.runner.dead_letters.waiting(limit, include_retried=include_retried)

    async def retry_dead_letter(self, dead_letter_id: int, now: datetime | None = None) -> DeadLetter | None:
        """Queue a dead-lettered job again with fresh attempts; None if there is no such waiting job."""
        letters = self.runner.dead_letters
        row = await letters.get(dead_letter_id)
        if row is None or row.retried_at is not None:
            return None
        if not await letters.mark_retried(dead_letter_id, now or utcnow()):
            return None
        try:
            await self.enqueue(row.job, orjson.loads(row.payload))
        except BaseException:
            await letters.unmark_retried(dead_letter_id)
            raise
        return row


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _stamp(entry_id: Any) -> float:
    """When a stream entry was added: its id is `<unix ms>-<n>`."""
    return int(_text(entry_id).split("-", 1)[0]) / 1000


def build_job_queue(settings: Settings, db: Database, connection: Mapping[str, Any] | None = None) -> TaskiqJobQueue:
    return TaskiqJobQueue(settings.jobs, db, settings.redis_url, connection)
