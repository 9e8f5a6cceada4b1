"""What differs between SQLite and PostgreSQL, in one place: ON CONFLICT inserts and affected rows.

Both dialects spell `INSERT ... ON CONFLICT DO NOTHING / DO UPDATE` the same way, but SQLAlchemy
builds it with each dialect's own `insert()`; `insert_for(db, table)` picks the one of the session's
(or connection's) bind. `affected(result)` is the row count of an UPDATE or DELETE, which SQLAlchemy
types only on the cursor result it actually returns.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

Insert = postgresql.Insert | sqlite.Insert


def dialect_of(db: AsyncSession | AsyncConnection) -> str:
    return db.get_bind().dialect.name if isinstance(db, AsyncSession) else db.dialect.name


def insert_for(db: AsyncSession | AsyncConnection, table: Any) -> Insert:
    """`INSERT INTO table` that accepts `.on_conflict_do_nothing()` / `.on_conflict_do_update()`."""
    if dialect_of(db) == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def affected(result: Result[Any]) -> int:
    """How many rows an UPDATE, DELETE or INSERT ... ON CONFLICT DO NOTHING changed."""
    return int(cast(CursorResult[Any], result).rowcount or 0)
