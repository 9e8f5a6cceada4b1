"""`exclusive(db, key)`: a PostgreSQL session advisory lock, tried once, so one process of many runs a
periodic task (the backup schedule, the mention digest); SQLite (one process) always gets it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import text

from sanctum.db.database import Database


def lock_key(name: bytes) -> int:
    """An advisory lock key from an 8-byte name (b"SANCTUMB"), as a big-endian signed int64."""
    return int.from_bytes(name, "big", signed=True)


@contextlib.asynccontextmanager
async def exclusive(db: Database, key: int) -> AsyncIterator[bool]:
    """Yields whether this process holds the lock (released on exit); never waits for it."""
    if db.dialect != "postgresql":
        yield True
        return
    async with db.writer_engine.connect() as conn:
        params = {"key": key}
        mine = bool((await conn.execute(text("SELECT pg_try_advisory_lock(:key)"), params)).scalar())
        await conn.commit()
        try:
            yield mine
        finally:
            if mine:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), params)
                await conn.commit()
