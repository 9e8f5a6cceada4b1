"""The dead-letter queue, in the database (durable in both modes, listable with SQL or the CLI).

`sanctum jobs dead-letter list` shows what waits; `retry ID` queues the job again with fresh attempts
and marks the row retried (kept for the record). The `jobs_dead_letter{job}` gauge is what waits now.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from sanctum.db.database import Database
from sanctum.db.dialect import affected
from sanctum.jobs.models import DeadLetter
from sanctum.observability.metrics import JOBS_DEAD_LETTER


class DeadLetters:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._gauged: set[str] = set()

    async def add(self, job: str, payload: str, error: str, attempts: int, now: datetime) -> int:
        async with self._db.writer() as db:
            row = DeadLetter(job=job, payload=payload, error=error, attempts=attempts, failed_at=now)
            db.add(row)
            await db.flush()
            row_id = row.id
        await self.refresh_gauge()
        return row_id

    async def waiting(self, limit: int = 100, *, include_retried: bool = False) -> list[DeadLetter]:
        query = select(DeadLetter)
        if not include_retried:
            query = query.where(DeadLetter.retried_at.is_(None))
        async with self._db.reader(fresh=True) as db:
            return list((await db.execute(query.order_by(DeadLetter.id).limit(limit))).scalars())

    async def get(self, dead_letter_id: int) -> DeadLetter | None:
        async with self._db.reader(fresh=True) as db:
            return await db.get(DeadLetter, dead_letter_id)

    async def mark_retried(self, dead_letter_id: int, now: datetime) -> bool:
        """Claim a waiting row for a retry; False if it is gone or someone retried it already."""
        async with self._db.writer() as db:
            stmt = (
                update(DeadLetter)
                .where(DeadLetter.id == dead_letter_id, DeadLetter.retried_at.is_(None))
                .values(retried_at=now)
            )
            claimed = bool(affected(await db.execute(stmt)))
        await self.refresh_gauge()
        return claimed

    async def unmark_retried(self, dead_letter_id: int) -> None:
        async with self._db.writer() as db:
            await db.execute(update(DeadLetter).where(DeadLetter.id == dead_letter_id).values(retried_at=None))
        await self.refresh_gauge()

    async def refresh_gauge(self) -> None:
        query = select(DeadLetter.job, func.count()).where(DeadLetter.retried_at.is_(None)).group_by(DeadLetter.job)
        async with self._db.reader(fresh=True) as db:
            counts = {str(job): int(n) for job, n in (await db.execute(query)).all()}
        for job in self._gauged | set(counts):
            JOBS_DEAD_LETTER.labels(job).set(counts.get(job, 0))
        self._gauged |= set(counts)
