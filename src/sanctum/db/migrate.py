"""Applying migrations and guarding them: every applied migration's file must still match the
checksum recorded when it was applied, or the app refuses to start and names the migration.

The migration scripts are read once per process (`_scripts`): building alembic's `ScriptDirectory`
imports every file, ~80 ms, and each app start checks the schema. A process runs the code it loaded,
so a file edited while it runs is caught by the next start, as before.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from sanctum.core.clock import utcnow

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class MigrationError(Exception):
    """The database schema does not match the code; the message says what to do."""


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["database_url"] = database_url
    return cfg


@functools.cache
def file_checksum(path: Path) -> str:
    # Line endings are normalised so a checkout on another OS does not count as an edit.
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


@functools.cache
def _scripts() -> ScriptDirectory:
    # The script location is the package's own; the database URL plays no part in reading scripts.
    return ScriptDirectory.from_config(alembic_config(""))


@dataclass(frozen=True)
class Revision:
    revision: str
    path: Path


def revisions(database_url: str) -> list[Revision]:
    found = [Revision(rev.revision, Path(rev.path)) for rev in _scripts().walk_revisions()]
    return list(reversed(found))


def head_revision(database_url: str) -> str | None:
    return _scripts().get_current_head()


def upgrade(database_url: str) -> None:
    """Apply every pending migration (blocking; call from a thread inside an event loop)."""
    command.upgrade(alembic_config(database_url), "head")


def upgrade_connection(connection: Connection) -> None:
    """Apply every pending migration on the caller's connection, inside the caller's transaction
    (a restore into PostgreSQL creates the schema and copies the data in one transaction)."""
    cfg = alembic_config(str(connection.engine.url))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def record_checksums(engine: AsyncEngine, database_url: str) -> list[str]:
    """Record the checksum of every applied migration not recorded yet; returns those recorded."""
    applied = await _applied_revisions(engine)
    recorded = await _recorded_checksums(engine)
    new = [rev for rev in revisions(database_url) if rev.revision in applied and rev.revision not in recorded]
    if new:
        async with engine.begin() as conn:
            for rev in new:
                await conn.execute(
                    text(
                        "INSERT INTO sanctum_migration_checksums (revision, checksum, applied_at) "
                        "VALUES (:revision, :checksum, :applied_at)"
                    ),
                    {
                        "revision": rev.revision,
                        "checksum": file_checksum(rev.path),
                        "applied_at": _now(engine),
                    },
                )
    return [rev.revision for rev in new]


async def verify_schema(engine: AsyncEngine, database_url: str) -> None:
    """Refuse to run against an unmigrated, outdated or tampered schema."""
    current = await _current_heads(engine)
    head = head_revision(database_url)
    if not current:
        raise MigrationError("the database has no schema yet: run `sanctum migrate` first")
    if head not in current:
        raise MigrationError(
            f"the database is at migration {', '.join(sorted(current))} but the code needs {head}: "
            "run `sanctum migrate`"
        )
    recorded = await _recorded_checksums(engine)
    for rev in revisions(database_url):
        expected = recorded.get(rev.revision)
        if expected is not None and expected != file_checksum(rev.path):
            raise MigrationError(
                f"migration {rev.revision} ({rev.path.name}) was edited after it was applied: "
                "restore the file and add a new migration instead"
            )


def _now(engine: AsyncEngine) -> object:
    now = utcnow()
    return now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now


async def _current_heads(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        heads = await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_heads())
    return set(heads)


async def _applied_revisions(engine: AsyncEngine) -> set[str]:
    """Every revision at or below the current heads."""
    heads = await _current_heads(engine)
    if not heads:
        return set()
    applied: set[str] = set()
    for head in heads:
        for rev in _scripts().iterate_revisions(head, "base"):
            applied.add(rev.revision)
    return applied


async def _recorded_checksums(engine: AsyncEngine) -> dict[str, str]:
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT revision, checksum FROM sanctum_migration_checksums"))
        return {str(r[0]): str(r[1]) for r in rows}
