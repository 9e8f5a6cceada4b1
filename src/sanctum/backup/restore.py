"""`sanctum restore FILE [--force]`: an archive into the configured database, checked before anything is written.

In this order, each refusal naming its reason and leaving the target as it was:
1. the archive is unpacked into a staging directory (TMPDIR) and every member checked against the
   manifest's SHA-256 (archive.py): damaged, truncated and foreign files stop here;
2. its schema must be one this code has (schema.py): a newer archive stops here;
3. the target must be empty (no table holds a row; a freshly migrated database is empty) unless
   `force` is given;
4. then it is written, all or nothing, and migrated forward to this code's head if it is older:
   SQLite into SQLite (sqlite.py), PostgreSQL into PostgreSQL (postgres.py) and SQLite into PostgreSQL
   (copy.py). A PostgreSQL archive cannot go into SQLite: that is refused at step 2.
The restored database passes the start-up guard (`verify_schema`) before this returns.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

from sanctum.backup import postgres, sqlite
from sanctum.backup.archive import ArchiveError, Manifest, unpack
from sanctum.backup.copy import copy_into
from sanctum.backup.create import POSTGRES_MEMBER, SQLITE_MEMBER
from sanctum.backup.errors import RestoreRefused
from sanctum.backup.schema import SchemaPlan, plan
from sanctum.db.migrate import record_checksums, upgrade, upgrade_connection, verify_schema
from sanctum.settings import Settings


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    target: str
    schema: SchemaPlan
    how: str


async def restore_backup(settings: Settings, archive: Path, *, force: bool = False) -> RestoreResult:
    with tempfile.TemporaryDirectory(prefix="sanctum-restore-") as tmp:
        manifest, files = await asyncio.to_thread(unpack, archive, Path(tmp))
        schema = plan(manifest, settings.database_url)
        member = POSTGRES_MEMBER if manifest.dialect == "postgresql" else SQLITE_MEMBER
        if member not in files:
            raise ArchiveError(f"the archive of a {manifest.dialect} database holds no {member}")
        staged = files[member]
        if not settings.uses_postgres:
            if manifest.dialect == "postgresql":
                raise RestoreRefused(
                    "this archive is of a PostgreSQL database (scaled mode) and restores only into PostgreSQL: "
                    "set DATABASE_URL to a postgresql+asyncpg:// database"
                )
            target = await _into_sqlite(settings, staged, force)
            return RestoreResult(manifest, str(target), schema, "SQLite file put in place")
        if manifest.dialect == "postgresql":
            await _into_postgres(settings, staged, Path(tmp), force)
            how = "pg_restore and psql, one transaction"
        else:
            await _sqlite_into_postgres(settings, staged, force)
            how = "copied table by table from SQLite, one transaction"
        return RestoreResult(manifest, postgres.describe(settings.database_url), schema, how)


def _require_empty(where: object, tables: list[str], force: bool) -> None:
    """Refuse a target whose `tables` hold data, unless the operator said to replace it."""
    if not tables or force:
        return
    shown = ", ".join(tables[:3]) + (", ..." if len(tables) > 3 else "")
    raise RestoreRefused(
        f"{where} is not empty ({len(tables)} table(s) hold data: {shown}): restore into an empty database, "
        "or pass --force to replace it"
    )


async def _migrate(url: str) -> None:
    """Bring the database at `url` to this code's head, record the checksums, and check it as start-up does."""
    await asyncio.to_thread(upgrade, url)
    engine = create_async_engine(url)
    try:
        await record_checksums(engine, url)
        await verify_schema(engine, url)
    finally:
        await engine.dispose()


async def _into_sqlite(settings: Settings, staged: Path, force: bool) -> Path:
    target = settings.sqlite_path()
    if target is None:
        raise RestoreRefused("DATABASE_URL names an in-memory SQLite database: there is nothing to restore into")
    _require_empty(target, await asyncio.to_thread(sqlite.tables_with_rows, target), force)
    await _migrate(f"sqlite+aiosqlite:///{staged}")
    await asyncio.to_thread(sqlite.install, staged, target)
    return target


async def _into_postgres(settings: Settings, dump: Path, staging: Path, force: bool) -> None:
    url = settings.database_url
    tools = postgres.find_tools(settings.backup.pg_bin_dir)
    engine = create_async_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            _require_empty(postgres.describe(url), await postgres.tables_with_rows(conn), force)
            existing = sorted((await postgres.table_names(conn)).values())
    finally:
        await engine.dispose()
    await postgres.restore(url, tools, dump, staging, drop=existing)
    await _migrate(url)


async def _sqlite_into_postgres(settings: Settings, staged: Path, force: bool) -> None:
    url = settings.database_url
    engine = create_async_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            _require_empty(postgres.describe(url), await postgres.tables_with_rows(conn), force)
            await _migrate(f"sqlite+aiosqlite:///{staged}")
            await postgres.drop_tables(conn)
            await conn.run_sync(upgrade_connection)
            await copy_into(staged, conn)
        await verify_schema(engine, url)
    finally:
        await engine.dispose()
