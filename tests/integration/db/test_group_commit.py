"""Group commit (sanctum.db.batch): concurrent small writes share a transaction, and fail together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.batch import GroupCommit
from sanctum.db.database import Database
from tests.conftest import SettingsFactory


@pytest.fixture
async def db(make_settings: SettingsFactory) -> AsyncIterator[Database]:
    database = Database(make_settings())
    async with database.writer() as session:
        await session.execute(text("CREATE TABLE group_commit_probe (n INTEGER PRIMARY KEY)"))
    yield database
    await database.dispose()


async def rows(db: Database) -> list[int]:
    async with db.reader(fresh=True) as session:
        return list((await session.execute(text("SELECT n FROM group_commit_probe ORDER BY n"))).scalars())


def insert(n: int, seen: list[AsyncSession]) -> object:
    async def work(session: AsyncSession) -> int:
        seen.append(session)  # the object itself: an id could be reused once a session is freed
        await session.execute(text("INSERT INTO group_commit_probe (n) VALUES (:n)"), {"n": n})
        return n * 10

    return work


async def test_writes_submitted_together_commit_in_one_transaction_and_each_caller_gets_its_result(
    db: Database,
) -> None:
    group, sessions = GroupCommit(db), list[AsyncSession]()

    results = await asyncio.gather(*(group.run(insert(n, sessions)) for n in range(1, 6)))  # type: ignore[arg-type]

    assert results == [10, 20, 30, 40, 50]
    assert len(sessions) == 5 and all(s is sessions[0] for s in sessions)
    assert await rows(db) == [1, 2, 3, 4, 5]


async def test_a_failing_write_fails_its_whole_batch_and_the_next_batch_commits(db: Database) -> None:
    group, sessions = GroupCommit(db), list[AsyncSession]()

    async def broken(session: AsyncSession) -> None:
        await session.execute(text("INSERT INTO no_such_table (n) VALUES (1)"))

    outcomes = await asyncio.gather(
        group.run(insert(1, sessions)),  # type: ignore[arg-type]
        group.run(broken),
        group.run(insert(2, sessions)),  # type: ignore[arg-type]
        return_exceptions=True,
    )

    assert all(isinstance(outcome, Exception) for outcome in outcomes)
    assert await rows(db) == []  # rolled back together
    assert await group.run(insert(3, sessions)) == 30  # type: ignore[arg-type]
    assert await rows(db) == [3]


async def test_writes_arriving_while_a_batch_commits_form_the_next_batch(db: Database) -> None:
    group, sessions = GroupCommit(db, max_batch=2), list[AsyncSession]()

    results = await asyncio.gather(*(group.run(insert(n, sessions)) for n in range(1, 6)))  # type: ignore[arg-type]

    assert results == [10, 20, 30, 40, 50]
    batches = [sum(1 for t in sessions if t is s) for s in _distinct(sessions)]
    assert batches == [2, 2, 1]
    assert await rows(db) == [1, 2, 3, 4, 5]


def _distinct(sessions: list[AsyncSession]) -> list[AsyncSession]:
    out: list[AsyncSession] = []
    for session in sessions:
        if not any(session is seen for seen in out):
            out.append(session)
    return out
