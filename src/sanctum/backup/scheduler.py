"""Scheduled backups: `create_backup` every BACKUP__INTERVAL_HOURS, keeping the newest BACKUP__KEEP archives.

Problem: a backup nobody remembers to run is no backup, and a schedule that silently stopped working
is worse, because everyone believes it runs.

Mechanism: one task per process that runs the schedule (the server in embedded mode, `sanctum worker`
in scaled mode). It is due when the newest archive in BACKUP__DIRECTORY (named by the time it was
made) is older than the interval, so a restart neither skips a backup nor makes an extra one. After
each success it deletes all but the newest BACKUP__KEEP archives there and sets
`sanctum_backup_last_success_timestamp_seconds`, which the alert rule watches (deploy/prometheus):
a failing or stopped schedule shows as that time growing old. In scaled mode a PostgreSQL advisory
lock lets only one worker back up at a time; with the directory shared between workers (a volume),
the others then find the fresh archive and skip.

Price: retention counts every archive named `sanctum-backup-*.tar.gz` in the directory, a manual
`sanctum backup` written there included. Workers that do not share the directory each keep their own
archives (run the schedule on one worker, or share the directory).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from sanctum.backup.create import BackupResult, archive_time, create_backup
from sanctum.core.clock import utcnow
from sanctum.db.database import Database
from sanctum.db.locks import exclusive, lock_key
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import BACKUP_FAILURES, BACKUP_LAST_SIZE, BACKUP_LAST_SUCCESS
from sanctum.settings import Settings

log = get_logger("sanctum.backup")

# pg_try_advisory_lock key: "SANCTUMB" as a big-endian int64.
ADVISORY_LOCK_KEY = lock_key(b"SANCTUMB")
RETRY_SECONDS = 900.0


class BackupScheduler:
    """Start it with the process that runs the schedule; `runs_here=False` makes it do nothing."""

    def __init__(self, settings: Settings, db: Database, *, runs_here: bool) -> None:
        self._settings = settings
        self._db = db
        self._config = settings.backup
        self.enabled = runs_here and self._config.interval_hours > 0
        self._task: asyncio.Task[None] | None = None

    @property
    def interval_seconds(self) -> float:
        return self._config.interval_hours * 3600

    async def start(self) -> None:
        if not self.enabled or self._task is not None:
            return
        self._publish(self.archives())
        self._task = asyncio.create_task(self._loop(), name="backup-scheduler")
        log.info(
            "backup_schedule_started", directory=str(self._config.directory), every_hours=self._config.interval_hours
        )

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def archives(self) -> list[tuple[datetime, Path]]:
        """The archives in the directory, oldest first."""
        directory = self._config.directory
        if not directory.is_dir():
            return []
        found = [(at, path) for path in directory.iterdir() if (at := archive_time(path.name)) is not None]
        return sorted(found)

    def seconds_until_due(self) -> float:
        archives = self.archives()
        if not archives:
            return 0.0
        age = (utcnow() - archives[-1][0]).total_seconds()
        return max(0.0, self.interval_seconds - age)

    async def run_once(self) -> BackupResult:
        """Back up now, then prune and publish the metric."""
        started = time.perf_counter()
        result = await create_backup(self._settings, engine=self._engine())
        archives = self._prune()
        self._publish(archives)
        log.info(
            "backup_created",
            path=str(result.path),
            bytes=result.size,
            revision=result.manifest.revision,
            seconds=round(time.perf_counter() - started, 3),
            kept=len(archives),
        )
        return result

    async def run_if_due(self) -> BackupResult | None:
        """Back up if due and no other process is backing up; None when it did not."""
        async with exclusive(self._db, ADVISORY_LOCK_KEY) as mine:
            if not mine or self.seconds_until_due() > 0:
                return None
            return await self.run_once()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.seconds_until_due())
            try:
                ran = await self.run_if_due()
            except Exception as exc:
                BACKUP_FAILURES.inc()
                log.error("backup_failed", error=f"{type(exc).__name__}: {exc}")
                ran = None
            if ran is None:
                # Failed, or another worker holds the lock: look again later (it may be done by then).
                await asyncio.sleep(min(self.interval_seconds, RETRY_SECONDS))

    def _prune(self) -> list[tuple[datetime, Path]]:
        archives = self.archives()
        keep = self._config.keep
        for _, path in archives[:-keep]:
            path.unlink(missing_ok=True)
            log.info("backup_pruned", path=str(path))
        return archives[-keep:]

    def _publish(self, archives: list[tuple[datetime, Path]]) -> None:
        if not archives:
            return
        at, path = archives[-1]
        BACKUP_LAST_SUCCESS.set(at.timestamp())
        with contextlib.suppress(OSError):
            BACKUP_LAST_SIZE.set(path.stat().st_size)

    def _engine(self) -> AsyncEngine | None:
        return self._db.writer_engine if self._db.dialect == "postgresql" else None
