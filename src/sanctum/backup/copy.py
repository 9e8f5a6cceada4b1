"""An embedded (SQLite) archive restored into PostgreSQL: the way off SQLite when a community outgrows it.

Problem: pg_restore cannot read a SQLite file, and SQLite stores what PostgreSQL types natively as
text and integers: UUIDs as 32 hex digits, timestamps as naive strings, booleans as 0/1, JSON as text.
A generic converter (pgloader and the like) guesses types from SQLite's declarations and builds its
own schema, which then is not the schema Sanctum's migrations built.

Mechanism: both sides are brought to this code's head revision by Sanctum's own migrations (the
archive's copy in the staging directory, the target inside the restore's transaction), so the tables
and columns are the same by construction and are checked to be. Then every table is copied in
foreign-key order (parents first; rows in primary-key order, so a reply follows the message it
answers), reading each column with the SQLAlchemy type PostgreSQL declares for it (`Uuid`, `DateTime`,
`Boolean`) so the values arrive as Python objects, not SQLite's text. JSON is carried as its text, so
JSON `null` and SQL NULL stay distinct. Each serial column's sequence is then set past the largest id.
All of it, schema included, is one PostgreSQL transaction: the target ends up empty or fully restored.

Price: rows pass through Python, about 10-15k rows a second on a loaded 2-core machine
(docs/benchmarks.md, "Backup and restore"): minutes for the sizes SQLite serves, and a one-off.
A column type this copy does not know refuses the restore up front, before anything is written,
rather than guessing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.types import TypeEngine

from sanctum.backup.errors import BackupError
from sanctum.backup.schema import VIRTUAL_TABLES_SQL, index_tables_among

BATCH_ROWS = 1000
Convert = Callable[[Any], Any]


def _raw(value: Any) -> Any:
    return value


def _json(value: Any) -> Any:
    return sa.null() if value is None else json.loads(value)


def _utc(value: Any) -> Any:
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value


def _plan_column(column: sa.Column[Any]) -> tuple[TypeEngine[Any], Convert]:
    """How to read the SQLite column that becomes PostgreSQL's `column`, and how to hand the value over."""
    kind = column.type
    if isinstance(kind, sa.Uuid):
        return sa.Uuid(), _raw
    if isinstance(kind, sa.DateTime):
        return sa.DateTime(), (_utc if kind.timezone else _raw)
    if isinstance(kind, sa.Boolean):
        return sa.Boolean(), _raw
    if isinstance(kind, sa.JSON):
        return sa.Text(), _json
    if isinstance(kind, sa.Integer | sa.String | sa.Float | sa.LargeBinary):
        return sa.types.NullType(), _raw
    raise BackupError(
        f"column {column.table.name}.{column.name} has type {kind}, which the SQLite-to-PostgreSQL copy does "
        "not know: nothing was written"
    )


def index_tables(sync: Connection) -> set[str]:
    """SQLite's full-text tables and their shadow tables (backup/schema.py); empty on PostgreSQL."""
    if sync.dialect.name != "sqlite":
        return set()
    virtual = [str(row[0]) for row in sync.exec_driver_sql(VIRTUAL_TABLES_SQL)]
    tables = [str(row[0]) for row in sync.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return index_tables_among(tables, virtual)


def _reflect(sync: Connection) -> sa.MetaData:
    derived = index_tables(sync)
    metadata = sa.MetaData()
    metadata.reflect(sync, only=lambda name, _: name not in derived)
    return metadata


async def copy_into(source: Path, target: AsyncConnection) -> dict[str, int]:
    """Copy every table of the SQLite file `source` into the PostgreSQL connection `target`, whose
    schema must be the same (both migrated to head); returns the rows copied per table."""
    target_tables = await target.run_sync(_reflect)
    engine = create_async_engine(f"sqlite+aiosqlite:///{source}")
    copied: dict[str, int] = {}
    try:
        async with engine.connect() as reader:
            source_tables = await reader.run_sync(_reflect)
            plans = _plans(source_tables, target_tables)
            for table in target_tables.sorted_tables:
                if table.name == "alembic_version":  # written by the migrations on the target
                    continue
                # The target was just migrated, so rows a migration seeds (the checksums, `feature_flag_version`)
                # are there already: the archive's rows replace them.
                await target.execute(table.delete())
                copied[table.name] = await _copy_table(reader, target, table, plans[table.name])
    finally:
        await engine.dispose()
    await _reset_sequences(target, target_tables)
    return copied


def _plans(source: sa.MetaData, target: sa.MetaData) -> dict[str, list[tuple[str, TypeEngine[Any], Convert]]]:
    if set(source.tables) != set(target.tables):
        extra = sorted(set(source.tables) ^ set(target.tables))
        raise BackupError(f"the archive's tables and PostgreSQL's differ after migrating ({', '.join(extra)})")
    plans = {}
    for name, table in target.tables.items():
        if set(source.tables[name].columns.keys()) != set(table.columns.keys()):
            raise BackupError(f"table {name} has other columns in the archive than in PostgreSQL after migrating")
        plans[name] = [(column.name, *_plan_column(column)) for column in table.columns]
    return plans


async def _copy_table(
    reader: AsyncConnection, target: AsyncConnection, table: sa.Table, plan: list[tuple[str, TypeEngine[Any], Convert]]
) -> int:
    source = sa.table(table.name, *(sa.column(name, kind) for name, kind, _ in plan))
    order = [source.c[column.name] for column in table.primary_key.columns]
    result = await reader.stream(sa.select(source).order_by(*order))
    count = 0
    async for rows in result.partitions(BATCH_ROWS):
        batch = [{name: convert(row[i]) for i, (name, _, convert) in enumerate(plan)} for row in rows]
        await target.execute(table.insert(), batch)
        count += len(batch)
    return count


async def _reset_sequences(target: AsyncConnection, tables: sa.MetaData) -> None:
    quote = target.dialect.identifier_preparer.quote
    for table in tables.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = (
                await target.execute(
                    sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                    {"table": quote(table.name), "column": column.name},
                )
            ).scalar()
            if sequence is None:
                continue
            largest = f"SELECT COALESCE(MAX({quote(column.name)}), 0) + 1 FROM {quote(table.name)}"  # noqa: S608 - quoted names
            await target.execute(sa.text(f"SELECT setval(:sequence, ({largest}), false)"), {"sequence": sequence})
