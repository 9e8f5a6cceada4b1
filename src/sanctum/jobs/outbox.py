"""The transactional outbox: a job asked for inside a unit of work is written in its transaction, so a
process that dies between the commit and the enqueue loses nothing.

Problem: jobs (notifications above all) were queued by after-commit hooks. A process killed after its
commit and before its hook ran (kill -9, OOM, a lost machine, a deploy's SIGKILL) had committed the
change (a friend request, a mention) and never queued its notification: it was lost for good.

Mechanism: `JobQueue.enqueue_after_commit(db, name, payload)` adds a `job_outbox` row to the caller's
unit of work (an ORM add, so a call needs no `await` and the rows a use case asks for are flushed
together, in one batched INSERT at its commit) and adds an after-commit hook that queues the job at
once (the fast path: no added latency) and marks the row done. Each process's relay, every
`JOBS__OUTBOX_POLL_SECONDS`, deletes the rows it marked done in one statement, and queues and deletes
any row older than `JOBS__OUTBOX_GRACE_SECONDS` (its process died before its hook, or the hook failed),
taking them `FOR UPDATE SKIP LOCKED` on PostgreSQL so two relays do not take the same rows. A row
queued by its hook whose process died before the batched delete is queued once more by a relay later:
jobs are idempotent (docs/jobs.md), so that is a wasted run, never a duplicate notification.

Price: one batched INSERT in the request's transaction per use case that asks for jobs, one batched
DELETE per second per busy process; an idle process pays one indexed read per poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

import orjson
from sqlalchemy import delete, select

from sanctum.core.clock import utcnow
from sanctum.db.base import table_of
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.jobs.base import Payload
from sanctum.jobs.models import OutboxEntry
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.jobs")

_OUTBOX = table_of(OutboxEntry)
BATCH = 500

Enqueue = Callable[[str, Payload], Awaitable[None]]


class Outbox:
    def __init__(self, db: Database, enqueue: Enqueue, poll_seconds: float, grace_seconds: float) -> None:
        self._db = db
        self._enqueue = enqueue
        self._poll = poll_seconds
        self._grace = timedelta(seconds=grace_seconds)
        self._done: list[uuid.UUID] = []
        self._task: asyncio.Task[None] | None = None

    def add(self, db: UnitOfWork, name: str, payload: Payload) -> None:
        """Write the job in `db`'s transaction (flushed with it); queue it once that commits."""
        entry = uuid.uuid4()
        db.add(OutboxEntry(id=entry, job=name, payload=orjson.dumps(payload).decode(), created_at=utcnow()))
        db.after_commit(partial(self._queue_now, entry, name, payload))

    async def _queue_now(self, entry: uuid.UUID, name: str, payload: Payload) -> None:
        try:
            await self._enqueue(name, payload)
        except Exception as exc:  # the relay queues it after the grace period
            log.warning("outbox_enqueue_failed", job=name, error=str(exc))
            return
        self._done.append(entry)

    async def relay(self) -> int:
        """Delete what was queued; queue (and delete) what was left behind. Returns how many it queued."""
        cutoff = utcnow() - self._grace
        stale = select(_OUTBOX).where(_OUTBOX.c.created_at < cutoff).order_by(_OUTBOX.c.created_at).limit(BATCH)
        if not self._done:
            async with self._db.reader(fresh=True) as db:
                if (await db.execute(stale.with_only_columns(_OUTBOX.c.id))).first() is None:
                    return 0
        done, self._done = self._done, []
        queued = 0
        try:
            async with self._db.writer() as db:
                if done:
                    await db.execute(delete(_OUTBOX).where(_OUTBOX.c.id.in_(done)))
                if self._db.dialect == "postgresql":
                    stale = stale.with_for_update(skip_locked=True)
                rows = (await db.execute(stale)).all()
                for row in rows:
                    await self._enqueue(row.job, orjson.loads(row.payload))
                    queued += 1
                if rows:
                    await db.execute(delete(_OUTBOX).where(_OUTBOX.c.id.in_([row.id for row in rows])))
        except Exception:
            self._done.extend(done)
            raise
        if queued:
            log.info("outbox_relayed", jobs=queued)
        return queued

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._poll)
            try:
                await self.relay()
            except Exception as exc:  # the database or the queue is away: next round
                log.warning("outbox_relay_failed", error=type(exc).__name__)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="jobs-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self.relay()  # delete what this process queued, so no relay queues it again
