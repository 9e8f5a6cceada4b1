"""Embedded mode: a consistent copy of a SQLite file that the server keeps writing, and putting one back.

Problem: copying `var/sanctum.db` with `cp` while the server runs can give a torn copy: pages from
before and after a commit, or a main file without the commits still in its `-wal` file.

Mechanism: SQLite's online backup API (`sqlite3.Connection.backup`) copies every page in one step
inside one read transaction, so the copy is the database as of one commit, WAL included. In WAL mode
a reader never blocks the writer, so the server keeps committing while the copy runs; it runs on a
thread of its own with its own connection, never on the event loop. The copy is switched to a
rollback journal so it is one self-contained file, and checked with `PRAGMA quick_check`.
A restore writes the new file next to the target and renames it over the target (after removing the
target's `-wal` and `-shm`), so the target is either the old database or the whole new one.

Price: while the copy runs, the WAL cannot be checkpointed past the copy's snapshot, so it grows by
whatever the server writes meanwhile (about 3 s for a 92 MiB database here); after the next
checkpoint that space is reused. The copy needs free space for one more database file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sanctum.backup.errors import BackupError
from sanctum.backup.schema import BOOKKEEPING_TABLES, VIRTUAL_TABLES_SQL, index_tables_among


def snapshot(source: Path, dest: Path) -> None:
    """Copy the database at `source` into the new file `dest`, consistently. Blocking: run it in a thread."""
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    with _named(source):
        _copy(source, dest)


def _copy(source: Path, dest: Path) -> None:
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)  # pages=-1: every page in one step, inside one read transaction
            dst.execute("PRAGMA journal_mode=DELETE")
            (result,) = dst.execute("PRAGMA quick_check").fetchone()
            if result != "ok":
                raise BackupError(f"the copy of {source} fails SQLite's quick_check ({result})")
        finally:
            dst.close()
    finally:
        src.close()


def schema_of(path: Path) -> tuple[str | None, dict[str, str]]:
    """The Alembic revision of the database file and the migration checksums recorded in it."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            return None, {}
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        checksums: dict[str, str] = {}
        if "sanctum_migration_checksums" in tables:
            for revision, checksum in conn.execute("SELECT revision, checksum FROM sanctum_migration_checksums"):
                checksums[str(revision)] = str(checksum)
        return (str(row[0]) if row else None), checksums


def tables_with_rows(path: Path) -> list[str]:
    """The tables of the database at `path` that hold data (migration bookkeeping aside); [] if none."""
    if not path.exists():
        return []
    with _named(path), contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
        names = [
            str(row[0])
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        derived = index_tables_among(names, [str(row[0]) for row in conn.execute(VIRTUAL_TABLES_SQL)])
        skip = BOOKKEEPING_TABLES | derived
        return [name for name in sorted(names) if name not in skip and _has_rows(conn, name)]


def _has_rows(conn: sqlite3.Connection, table: str) -> bool:
    quoted = '"' + table.replace('"', '""') + '"'
    return bool(conn.execute(f"SELECT EXISTS (SELECT 1 FROM {quoted})").fetchone()[0])  # noqa: S608 - quoted name


@contextlib.contextmanager
def _named(path: Path) -> Iterator[None]:
    """SQLite's errors as one line naming the file (`file is not a database` names nothing)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: {exc}") from None


def install(staged: Path, target: Path) -> None:
    """Put the database file `staged` in place of `target` (which may not exist) in one rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.restoring")
    with staged.open("rb") as src, incoming.open("wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    try:
        # A -wal left from the old file would be replayed into the new one.
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(incoming, target)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
