"""Fixtures of the backup tests: a second database, and what a database holds (to prove nothing changed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from sanctum.backup.copy import index_tables
from sanctum.settings import Settings
from tests.support.databases import Databases


@pytest.fixture
def other_database_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    """Another freshly migrated database of this test's own."""
    workdir = tmp_path / "other"
    workdir.mkdir()
    url = databases.create(workdir)
    yield url
    databases.drop(url)


async def contents(url: str) -> dict[str, int] | None:
    """Rows per table of the database at `url`; None for a SQLite file that does not exist (opening
    it would create it). `job_outbox` is left out: jobs in transit, which the relay of any instance on
    the database queues and deletes whenever it polls."""
    path = Settings(_env_file=None, database_url=url).sqlite_path()  # type: ignore[call-arg]
    if path is not None and not path.exists():
        return None
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(  # the FTS tables index other rows: no data of their own
                lambda sync: set(sa.inspect(sync).get_table_names()) - index_tables(sync) - {"job_outbox"}
            )
            return {
                name: (await conn.execute(sa.select(sa.func.count()).select_from(sa.table(name)))).scalar_one()
                for name in sorted(names)
            }
    finally:
        await engine.dispose()
