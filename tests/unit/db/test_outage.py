"""Which errors mean "the database could not be reached" (sanctum.db.outage)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from sanctum.core.errors import DatabaseUnavailable, ErrorCode
from sanctum.db import sqlite
from sanctum.db.outage import Outage, as_unavailable, classify


def wrapped(orig: BaseException, *, invalidated: bool = False) -> sa_exc.DBAPIError:
    """As SQLAlchemy raises a driver's error: its own wrapper with the driver's error as `orig`."""
    error = sa_exc.OperationalError("SELECT 1", {"secret": "param"}, orig, connection_invalidated=invalidated)
    error.__cause__ = orig
    return error


def chained(error: BaseException, cause: BaseException) -> BaseException:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (ConnectionRefusedError(111, "Connect call failed"), "connect"),
        (chained(RuntimeError("checkout failed"), ConnectionResetError()), "connect"),
        (TimeoutError(), "connect"),
        (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"), "starting"),
        (asyncpg.exceptions.AdminShutdownError("terminating connection"), "shutdown"),
        (asyncpg.exceptions.TooManyConnectionsError("too many clients"), "busy"),
        (asyncpg.exceptions.ReadOnlySQLTransactionError("read-only transaction"), "read_only"),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"), "connect"),
        (asyncpg.exceptions.InterfaceError("connection is closed"), "connection_lost"),
        (wrapped(RuntimeError("gone"), invalidated=True), "connection_lost"),
        (sa_exc.TimeoutError("QueuePool limit reached"), "pool_timeout"),
        (wrapped(asyncpg.exceptions.CannotConnectNowError("starting up")), "starting"),
        (DatabaseUnavailable(), "refused"),
    ],
)
def test_errors_of_an_unreachable_database_are_classified_with_a_bounded_cause(
    error: BaseException, cause: str
) -> None:
    found = classify(error)

    assert found is not None
    assert found[0] == cause


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.InterfaceError("cannot perform operation: another operation is in progress"),
        wrapped(asyncpg.exceptions.UndefinedTableError("relation does not exist")),
        sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
        FileNotFoundError("not a database thing"),
    ],
)
def test_bugs_and_constraint_violations_are_not_an_outage(error: BaseException) -> None:
    assert classify(error) is None
    assert as_unavailable(error) is None


async def test_sqlite_locked_past_the_busy_timeout_and_a_file_that_cannot_be_opened_are_an_outage(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "t.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (a INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", async_creator=sqlite.async_creator(path, 0.05))
    directory = tmp_path / "a-directory"
    directory.mkdir()
    unopenable = create_async_engine(
        f"sqlite+aiosqlite:///{directory}", async_creator=sqlite.async_creator(str(directory), 0.05)
    )
    try:
        with pytest.raises(sa_exc.OperationalError) as locked:
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(sa_exc.OperationalError) as cannot_open:
            async with unopenable.connect() as conn:
                await conn.execute(text("SELECT 1"))
    finally:
        holder.close()
        await engine.dispose()
        await unopenable.dispose()

    assert classify(locked.value) == ("locked", locked.value.orig)
    found = classify(cannot_open.value)
    assert found is not None and found[0] == "cannot_open"


def test_an_outage_is_logged_when_it_starts_and_when_it_ends_once_each_per_side(
    capsys: pytest.CaptureFixture[str],
) -> None:
    outage = Outage()

    first = outage.refuse("connect", ConnectionRefusedError(), "write")
    outage.refuse("connect", ConnectionRefusedError(), "write")
    outage.served("read")  # reads working says nothing about writes (a lock, a replica)
    outage.refuse("starting", ConnectionRefusedError(), "write")
    assert outage.down
    outage.served("write")
    outage.served("write")

    lines = capsys.readouterr().out.splitlines()
    assert sum("database_unavailable" in line for line in lines) == 1
    assert sum("database_available_again" in line for line in lines) == 1
    assert any("refused=3" in line for line in lines)
    assert not outage.down
    assert first.status_code == 503
    assert first.code == ErrorCode.DATABASE_UNAVAILABLE
    assert first.headers["Retry-After"] == str(first.retry_after)
    assert first.details == {"retry_after": first.retry_after}
