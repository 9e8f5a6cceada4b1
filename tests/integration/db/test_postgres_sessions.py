"""PostgreSQL sessions: a reader opens no transaction (no BEGIN, no ROLLBACK: autocommit), a writer
still runs in one, and a pooled connection the database cut is replaced before a reader uses it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from sanctum.db.database import Database
from tests.conftest import SettingsFactory
from tests.support.databases import execute
from tests.support.live import eventually

pytestmark = pytest.mark.scaled_only


@pytest.fixture
async def db(make_settings: SettingsFactory) -> AsyncIterator[Database]:
    database = Database(make_settings())
    yield database
    await database.dispose()


async def in_transaction(session: AsyncSession) -> bool:
    """What the server last said of this connection's transaction state (asyncpg keeps PostgreSQL's
    ReadyForQuery status: idle, or inside a transaction block)."""
    raw = await (await session.connection()).get_raw_connection()
    driver: Any = raw.driver_connection
    return bool(driver.is_in_transaction())


async def backend_pid(session: AsyncSession) -> int:
    return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_reader_runs_each_statement_on_its_own_with_no_transaction_around_them(db: Database) -> None:
    async with db.reader() as session:
        first = (await session.execute(text("SELECT transaction_timestamp()"))).scalar_one()
        assert not await in_transaction(session)
        second = (await session.execute(text("SELECT transaction_timestamp()"))).scalar_one()
        assert not await in_transaction(session)
    # In a transaction both statements would report the one transaction's start.
    assert second > first


async def test_a_fresh_reader_opens_no_transaction_either(db: Database) -> None:
    async with db.reader(fresh=True) as session:
        await session.execute(text("SELECT 1"))
        assert not await in_transaction(session)


async def test_a_writer_still_runs_in_one_transaction_and_rolls_back_as_a_whole(db: Database) -> None:
    async with db.writer() as uow:
        first = (await uow.execute(text("SELECT transaction_timestamp()"))).scalar_one()
        assert await in_transaction(uow)
        second = (await uow.execute(text("SELECT transaction_timestamp()"))).scalar_one()
    assert second == first

    table = f"abandoned_{uuid.uuid4().hex}"
    with pytest.raises(RuntimeError):
        async with db.writer() as uow:
            await uow.execute(text(f"CREATE TABLE {table} (n integer)"))
            await uow.execute(text(f"INSERT INTO {table} VALUES (1)"))  # noqa: S608 - our own name
            raise RuntimeError("abandoned")
    async with db.reader() as session:
        assert (await session.execute(text(f"SELECT to_regclass('{table}')"))).scalar_one() is None


async def test_a_pooled_connection_the_database_terminated_is_replaced_before_the_next_read(
    db: Database, database_url: str
) -> None:
    async with db.reader() as session:
        old_pid = await backend_pid(session)
    async with db.writer() as uow:
        writer_pid = await backend_pid(uow)

    # As a restart does to every connection: the backends end and close their sockets.
    for pid in {old_pid, writer_pid}:
        await execute(database_url, f"SELECT pg_terminate_backend({pid})")

    async def gone() -> bool:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as conn:
                query = text("SELECT count(*) FROM pg_stat_activity WHERE pid IN (:a, :b)")
                return (await conn.execute(query, {"a": old_pid, "b": writer_pid})).scalar_one() == 0
        finally:
            await engine.dispose()

    await eventually(gone, within=10.0, interval=0.05)
    async with db.reader() as session:
        new_pid = await backend_pid(session)
        assert (await session.execute(text("SELECT 41 + 1"))).scalar_one() == 42
    assert new_pid not in (old_pid, writer_pid)
    async with db.writer() as uow:
        assert await backend_pid(uow) not in (old_pid, writer_pid)
