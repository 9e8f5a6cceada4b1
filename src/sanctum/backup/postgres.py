"""Scaled mode: PostgreSQL's own tools, pg_dump to back up and pg_restore with psql to restore.

Problem: a dump is only as good as its tools. pg_dump is the one program that knows every object
PostgreSQL can hold and reads the database in one snapshot while the app keeps writing; a copy made
any other way (table by table through the app, or of the data directory) is either torn or not
portable. But the tools are separate programs: they must be found, handed the connection without
leaking the password, and their failures turned into something an operator can act on.

Mechanism: the tools come from BACKUP__PG_BIN_DIR, else PATH, else the newest
/usr/lib/postgresql/<version>/bin (Debian's layout). The SQLAlchemy URL becomes libpq environment
variables (PGHOST, PGUSER, PGPASSWORD, ...), so the password is never on a command line (where `ps`
shows it) or in a log. The backup opens a REPEATABLE READ transaction, exports its snapshot, reads
the schema revision in it and runs `pg_dump --snapshot` with that snapshot, so the manifest's revision
is exactly the dump's. The restore renders the dump as SQL with pg_restore (no owners, no grants, so
any role that owns the target can restore it) and runs it with psql in one transaction, after
dropping the target's tables in that same transaction: the target ends up as it was or fully
restored, never half.

Price: the SQL script is staged on disk (about the size of the data) before psql runs it, because
streaming it would let a pg_restore that dies at a statement boundary commit a partial restore.
pg_dump must be at least the server's major version; the error says so when it is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from sanctum.backup.errors import BackupError
from sanctum.backup.schema import BOOKKEEPING_TABLES

DEBIAN_BIN_DIRS = Path("/usr/lib/postgresql")
# A restore that has to wait this long for a table's lock fails rather than queue behind a running app.
LOCK_TIMEOUT = "10s"


@dataclass(frozen=True)
class PgTools:
    pg_dump: Path
    pg_restore: Path
    psql: Path


def find_tools(bin_dir: Path | None) -> PgTools:
    found = {name: _find(name, bin_dir) for name in ("pg_dump", "pg_restore", "psql")}
    return PgTools(**found)


def _find(name: str, bin_dir: Path | None) -> Path:
    if bin_dir is not None:
        candidate = bin_dir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
        raise BackupError(f"BACKUP__PG_BIN_DIR is {bin_dir}, which has no {name}")
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    versions = sorted(DEBIAN_BIN_DIRS.glob(f"*/bin/{name}"), key=lambda p: _version_key(p.parent.parent.name))
    if versions:
        return versions[-1]
    raise BackupError(
        f"{name} was not found on PATH or under {DEBIAN_BIN_DIRS}: install the PostgreSQL client tools "
        "(Debian: apt install postgresql-client) or set BACKUP__PG_BIN_DIR"
    )


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name)) or (0,)


def libpq_env(url: str) -> dict[str, str]:
    """The connection of a `postgresql+asyncpg://` URL as libpq environment variables."""
    parsed = make_url(url)
    query = {key: (value[0] if isinstance(value, tuple) else value) for key, value in parsed.query.items()}
    env = {"PGAPPNAME": "sanctum-backup", "PGCONNECT_TIMEOUT": "10"}
    host = query.get("host") or parsed.host
    if host:
        env["PGHOST"] = host
    if parsed.port:
        env["PGPORT"] = str(parsed.port)
    if parsed.username:
        env["PGUSER"] = parsed.username
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    if parsed.database:
        env["PGDATABASE"] = parsed.database
    ssl = query.get("sslmode") or query.get("ssl")
    if ssl:
        env["PGSSLMODE"] = {"true": "require", "false": "disable"}.get(ssl.lower(), ssl)
    return env


def describe(url: str) -> str:
    """The database a URL names, for messages: never the password."""
    parsed = make_url(url)
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    return f"PostgreSQL database {parsed.database} on {where}"


async def run_tool(args: list[str], url: str, *, extra_env: dict[str, str] | None = None) -> None:
    """Run one of the tools against the database `url`; BackupError with its own error line if it fails."""
    env = {**os.environ, **libpq_env(url), **(extra_env or {})}
    process = await asyncio.create_subprocess_exec(
        *args,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await process.communicate()
    except BaseException:  # cancelled (the scheduler is stopping): do not leave the tool running
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {_error_line(stderr.decode(errors='replace'))}")


def _error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error:" in line or "FATAL" in line or "ERROR" in line:
            return line
    return lines[-1] if lines else "no message"


async def dump(conn: AsyncConnection, url: str, tools: PgTools, dest: Path) -> tuple[str | None, dict[str, str]]:
    """Dump the database into `dest` (custom format); the schema revision and checksums in the dump.

    `conn` is a connection of the database's own (not in a transaction yet); the snapshot it exports is
    what pg_dump reads, so the revision it reads is the dump's."""
    conn = await conn.execution_options(isolation_level="REPEATABLE READ")
    async with conn.begin():
        snapshot = str((await conn.execute(text("SELECT pg_export_snapshot()"))).scalar_one())
        schema = await _schema(conn)
        # -Z0: the archive is gzip'd as a whole; compressing twice costs CPU for nothing.
        options = ["--no-password", "--format=custom", "--compress=0", f"--snapshot={snapshot}", f"--file={dest}"]
        await run_tool([str(tools.pg_dump), *options], url)
    return schema


async def _schema(conn: AsyncConnection) -> tuple[str | None, dict[str, str]]:
    exists = await conn.execute(
        text(
            "SELECT to_regclass('alembic_version') IS NOT NULL, to_regclass('sanctum_migration_checksums') IS NOT NULL"
        )
    )
    has_version, has_checksums = exists.one()
    if not has_version:
        return None, {}
    revision = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    checksums: dict[str, str] = {}
    if has_checksums:
        rows = await conn.execute(text("SELECT revision, checksum FROM sanctum_migration_checksums"))
        checksums = {str(r[0]): str(r[1]) for r in rows}
    return (str(revision) if revision is not None else None), checksums


async def table_names(conn: AsyncConnection) -> dict[str, str]:
    """The tables of the schema Sanctum uses: name -> name quoted for SQL."""
    rows = await conn.execute(
        text("SELECT tablename, format('%I', tablename) FROM pg_tables WHERE schemaname = current_schema()")
    )
    return {str(r[0]): str(r[1]) for r in rows}


async def tables_with_rows(conn: AsyncConnection) -> list[str]:
    """The tables that hold data (migration bookkeeping aside); [] for an empty or unmigrated database."""
    busy = []
    for name, quoted in sorted((await table_names(conn)).items()):
        if name in BOOKKEEPING_TABLES:
            continue
        if (await conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {quoted})"))).scalar():  # noqa: S608 - quoted by format('%I')
            busy.append(name)
    return busy


async def drop_tables(conn: AsyncConnection) -> None:
    """Drop every table of the schema (inside the caller's transaction)."""
    await conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    quoted = sorted((await table_names(conn)).values())
    if quoted:
        await conn.execute(text(f"DROP TABLE {', '.join(quoted)} CASCADE"))


async def restore(url: str, tools: PgTools, dump_file: Path, staging: Path, drop: list[str]) -> None:
    """Replace the tables `drop` (quoted names, from `table_names`) with the dump's contents, in one
    transaction."""
    script = staging / "restore.sql"
    await run_tool(
        [str(tools.pg_restore), "--no-owner", "--no-privileges", f"--file={script}", str(dump_file)],
        url,
    )
    args = [str(tools.psql), "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", "--single-transaction"]
    if drop:
        args += ["--command", f"DROP TABLE {', '.join(drop)} CASCADE"]
    args += ["--file", str(script)]
    options = f"-c client_min_messages=warning -c lock_timeout={LOCK_TIMEOUT}"
    await run_tool(args, url, extra_env={"PGOPTIONS": options})
