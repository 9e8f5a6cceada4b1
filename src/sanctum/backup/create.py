"""`sanctum backup`: one archive holding a consistent copy of the database and its manifest.

Every commit made before `created_at` (the moment the backup began) is in the archive; commits made
while it runs may or may not be. The copy is consistent either way: SQLite's online backup reads one
snapshot, pg_dump reads one exported snapshot (sqlite.py, postgres.py).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sanctum.backup import postgres, sqlite
from sanctum.backup.archive import Dialect, Manifest, write_archive
from sanctum.backup.errors import BackupError
from sanctum.core.clock import utcnow
from sanctum.settings import Settings

SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
_NAME = re.compile(r"^sanctum-backup-(\d{8}T\d{6}\.\d{6})Z\.tar\.gz$")

NOTES = {
    "redis": (
        "Redis holds caches, WebSocket tickets, rate-limit counters, presence and queued jobs: nothing "
        "that needs saving. After a restore into a running installation, flush it (redis-cli FLUSHDB)."
    ),
    "files": "Sanctum keeps no uploaded files yet: the database is all there is to back up.",
    "secret_key": "Not in the archive. Keep SECRET_KEY with it: without the same key every session must log in again.",
}


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def archive_name(at: datetime) -> str:
    """`sanctum-backup-20250102T030405.678901Z.tar.gz`: names sort by time."""
    return f"sanctum-backup-{at.astimezone(UTC):%Y%m%dT%H%M%S.%f}Z.tar.gz"


def archive_time(name: str) -> datetime | None:
    """When the archive called `name` was made, if it is named as `archive_name` names them."""
    match = _NAME.match(name)
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC) if match else None


def sanctum_version() -> str:
    try:
        return version("sanctum")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


async def create_backup(
    settings: Settings, output: Path | None = None, *, engine: AsyncEngine | None = None
) -> BackupResult:
    """Back up the database of `settings` into `output` (default: a timestamped name in
    BACKUP__DIRECTORY). `engine` is the app's PostgreSQL engine when it has one to lend."""
    created = utcnow()
    output = output if output is not None else settings.backup.directory / archive_name(created)
    output.parent.mkdir(parents=True, exist_ok=True)
    # Staged next to the archive, so the space it needs is where the operator chose to put backups.
    staging = Path(tempfile.mkdtemp(prefix=".sanctum-backup-", dir=output.parent))
    try:
        dialect: Dialect
        if settings.uses_postgres:
            dialect, member = "postgresql", staging / POSTGRES_MEMBER
            revision, migrations = await _dump_postgres(settings, member, engine)
        else:
            source = settings.sqlite_path()
            if source is None:
                raise BackupError("an in-memory SQLite database cannot be backed up")
            dialect, member = "sqlite", staging / SQLITE_MEMBER
            await asyncio.to_thread(sqlite.snapshot, source, member)
            revision, migrations = await asyncio.to_thread(sqlite.schema_of, member)
        if revision is None:
            raise BackupError("the database has no schema yet (run `sanctum migrate`): there is nothing to back up")
        manifest = Manifest(
            sanctum_version=sanctum_version(),
            created_at=created,
            dialect=dialect,
            revision=revision,
            migrations=migrations,
            notes=NOTES,
        )
        written = await asyncio.to_thread(write_archive, output, manifest, {member.name: member})
    finally:
        await asyncio.to_thread(shutil.rmtree, staging, True)
    return BackupResult(output, written)


async def _dump_postgres(
    settings: Settings, dest: Path, engine: AsyncEngine | None
) -> tuple[str | None, dict[str, str]]:
    tools = postgres.find_tools(settings.backup.pg_bin_dir)
    own = engine is None
    engine = engine or create_async_engine(settings.database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return await postgres.dump(conn, settings.database_url, tools, dest)
    finally:
        if own:
            await engine.dispose()
