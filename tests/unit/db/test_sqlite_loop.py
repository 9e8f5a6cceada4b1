"""Embedded mode's SQLite on the event loop thread (sanctum.db.sqlite)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from sanctum.db import sqlite


async def test_every_call_runs_on_the_loop_thread_and_no_worker_thread_is_started(tmp_path: Path) -> None:
    path = str(tmp_path / "t.db")
    threads_before = threading.active_count()
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", async_creator=sqlite.async_creator(path, 5.0))
    seen: list[int] = []
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: seen.append(threading.get_ident()))
            await conn.execute(text("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)"))
            await conn.execute(text("INSERT INTO t (b) VALUES ('x'), ('y')"))
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT b FROM t ORDER BY a"))).scalars().all()
            with pytest.raises(Exception, match="no such table"):
                await conn.execute(text("SELECT * FROM missing"))
        assert rows == ["x", "y"]
        assert seen == [threading.get_ident()]
        assert threading.active_count() == threads_before
    finally:
        await engine.dispose()


async def test_writers_take_turns_in_arrival_order() -> None:
    lock = sqlite.WriteLock()
    order: list[str] = []

    async def writer(name: str) -> None:
        async with lock.hold():
            order.append(f"{name}+")
            await asyncio.sleep(0.01)
            order.append(f"{name}-")

    await asyncio.gather(writer("a"), writer("b"), writer("c"))

    assert order == ["a+", "a-", "b+", "b-", "c+", "c-"]


async def test_a_write_opened_inside_another_fails_at_once_instead_of_waiting_for_itself() -> None:
    lock = sqlite.WriteLock()

    async with lock.hold():
        with pytest.raises(RuntimeError, match="inside another"):
            async with asyncio.timeout(1.0), lock.hold():
                pass  # pragma: no cover - never reached

    async with asyncio.timeout(1.0), lock.hold():  # released: usable again
        pass


async def test_one_lock_per_database_file_within_a_loop() -> None:
    assert sqlite.write_lock("data/a.db") is sqlite.write_lock("data/a.db")
    assert sqlite.write_lock("data/a.db") is not sqlite.write_lock("data/b.db")
