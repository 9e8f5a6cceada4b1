"""Scheduled backups: the newest BACKUP__KEEP archives stay, the metric follows them, and the process
that runs the schedule is the server (embedded) or `sanctum worker` (scaled)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

from sanctum.backup import BackupScheduler
from sanctum.backup.archive import read_manifest
from sanctum.db.database import Database
from sanctum.main import create_worker
from sanctum.observability.metrics import BACKUP_LAST_SUCCESS
from sanctum.settings import Settings
from sanctum.settings_groups import BackupSettings
from tests.conftest import ClientFactory, LogReader, SettingsFactory
from tests.support.live import eventually, sample
from tests.support.metrics import sample_value

LAST_SUCCESS = "sanctum_backup_last_success_timestamp_seconds"


def scheduled(make_settings: SettingsFactory, directory: Path, keep: int = 2) -> Settings:
    return make_settings(backup=BackupSettings(interval_hours=24, directory=directory, keep=keep))


@pytest.fixture
async def database(make_settings: SettingsFactory) -> AsyncIterator[Database]:
    db = Database(make_settings())
    yield db
    await db.dispose()


def archives_in(directory: Path) -> list[Path]:
    return sorted(directory.glob("sanctum-backup-*.tar.gz"))


async def test_the_schedule_keeps_the_newest_archives_and_publishes_when_the_last_was_made(
    make_settings: SettingsFactory, database: Database, tmp_path: Path
) -> None:
    settings = scheduled(make_settings, tmp_path / "backups", keep=2)
    scheduler = BackupScheduler(settings, database, runs_here=True)

    results = [await scheduler.run_once() for _ in range(3)]

    kept = sorted((tmp_path / "backups").iterdir())
    assert kept == [r.path for r in results[1:]]  # the oldest went; nothing else is left behind
    assert REGISTRY.get_sample_value(LAST_SUCCESS) == results[-1].manifest.created_at.timestamp()
    assert read_manifest(kept[-1]) == results[-1].manifest
    assert 0 < scheduler.seconds_until_due() <= 24 * 3600

    # A restart finds the newest archive: not due yet, and the metric says when it was made.
    BACKUP_LAST_SUCCESS.set(0)
    restarted = BackupScheduler(settings, database, runs_here=True)
    await restarted.start()
    try:
        assert REGISTRY.get_sample_value(LAST_SUCCESS) == results[-1].manifest.created_at.timestamp()
        assert await restarted.run_if_due() is None
    finally:
        await restarted.stop()
    assert sorted((tmp_path / "backups").iterdir()) == kept


async def test_a_failing_backup_is_counted_and_logged_and_the_metric_keeps_the_last_success(
    make_settings: SettingsFactory, database: Database, json_logs: LogReader, tmp_path: Path
) -> None:
    in_the_way = tmp_path / "not-a-directory"
    in_the_way.write_text("a file where the backups should go")
    BACKUP_LAST_SUCCESS.set(1234.0)
    failures = sample("sanctum_backup_failures_total")
    scheduler = BackupScheduler(scheduled(make_settings, in_the_way), database, runs_here=True)

    await scheduler.start()
    try:
        await eventually(lambda: sample("sanctum_backup_failures_total") > failures, within=60)
    finally:
        await scheduler.stop()

    assert REGISTRY.get_sample_value("sanctum_backup_failures_total") == failures + 1
    assert REGISTRY.get_sample_value(LAST_SUCCESS) == 1234.0
    [failed] = [line for line in json_logs() if line["event"] == "backup_failed"]
    assert failed["level"] == "error" and "not-a-directory" in failed["error"]


async def test_nothing_is_scheduled_without_an_interval_or_in_a_process_that_does_not_run_it(
    make_settings: SettingsFactory, database: Database, tmp_path: Path
) -> None:
    off = make_settings(backup=BackupSettings(directory=tmp_path / "backups"))
    assert not BackupScheduler(off, database, runs_here=True).enabled
    assert not BackupScheduler(scheduled(make_settings, tmp_path / "b"), database, runs_here=False).enabled


async def test_the_server_runs_the_schedule_in_embedded_mode_and_the_worker_in_scaled_mode(
    make_settings: SettingsFactory, make_client: ClientFactory, json_logs: LogReader, tmp_path: Path
) -> None:
    directory = tmp_path / "backups"
    settings = scheduled(make_settings, directory)
    http = await make_client(settings)

    def logged(event: str) -> list[dict[str, Any]]:
        return [line for line in json_logs() if line["event"] == event]

    async def first_backup() -> Path:
        # Logged once the archive is in place, pruned and published.
        await eventually(lambda: logged("backup_created"), within=60)
        [created] = logged("backup_created")
        return Path(created["path"])

    if settings.mode == "embedded":
        assert len(logged("backup_schedule_started")) == 1
        archive = await first_backup()
    else:
        assert logged("backup_schedule_started") == []  # app instances leave it to the worker
        worker = create_worker(settings)
        await worker.start_working()
        try:
            assert len(logged("backup_schedule_started")) == 1
            archive = await first_backup()
        finally:
            await worker.stop_working()

    assert archives_in(directory) == [archive]
    made = read_manifest(archive).created_at.timestamp()
    assert REGISTRY.get_sample_value(LAST_SUCCESS) == made
    if settings.mode == "embedded":  # the server's own /metrics (a worker serves them on --metrics-port)
        assert await sample_value(http, LAST_SUCCESS) == made


@pytest.mark.scaled_only
async def test_two_workers_sharing_a_directory_make_one_backup_per_interval(
    make_settings: SettingsFactory, database: Database, tmp_path: Path
) -> None:
    settings = scheduled(make_settings, tmp_path / "shared")
    other = Database(settings)
    try:
        first = BackupScheduler(settings, database, runs_here=True)
        second = BackupScheduler(settings, other, runs_here=True)

        results = await asyncio.gather(first.run_if_due(), second.run_if_due())
    finally:
        await other.dispose()

    assert len([r for r in results if r is not None]) == 1
    assert len(list((tmp_path / "shared").iterdir())) == 1
