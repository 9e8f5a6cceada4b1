"""What a read transaction costs on SQLite, by layer: the async engine, the inline session, sqlite3.

    .venv/bin/python bench/sqlite_sessions.py --rounds 5 --requests 500

One indexed SELECT by username (no row found), one or three times in a read transaction, through:
- `async engine`: an AsyncSession on SQLAlchemy's aiosqlite dialect, with aiosqlite's calls run on the
  loop's thread (db/sqlite.py's LoopConnection): what embedded readers used before;
- `inline session`: `Database.reader()` as it is now (InlineSession over the synchronous engine);
- `sync Session`: SQLAlchemy's synchronous Session alone (no instrumentation, no BEGIN listener);
- `sqlite3`: BEGIN, the statement, ROLLBACK on one connection: the floor.

CPU µs per transaction, median of the rounds. The file holds only the schema (`sanctum migrate`).
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see below)
from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import asyncio
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import bindparam, create_engine, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session

from _servers import REPO, _run
from sanctum.db.base import table_of
from sanctum.db.database import Database, make_engine
from sanctum.domains.accounts.models import User
from sanctum.settings import Settings


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="sanctum-sqlite-") as tmp:
        path = f"{tmp}/sanctum.db"
        url = f"sqlite+aiosqlite:///{path}"
        env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": "x" * 48}
        _run([str(REPO / ".venv/bin/sanctum"), "migrate"], what="migrate", env=env, cwd=Path(tmp))
        settings = Settings(database_url=url, secret_key="x" * 48)
        db = Database(settings)
        async_sessions = async_sessionmaker(make_engine(url, settings), expire_on_commit=False, autoflush=False)
        sync_engine = create_engine(f"sqlite:///{path}")
        raw = sqlite3.connect(path, isolation_level=None)
        users = table_of(User)
        stmt = select(users.c.id, users.c.username).where(users.c.username == bindparam("u"))
        sql = "SELECT id, username FROM users WHERE username = ?"

        def ways(n: int) -> dict[str, Callable[[], Awaitable[None]]]:
            async def via_async_engine() -> None:
                async with async_sessions() as s:
                    for _ in range(n):
                        (await s.execute(stmt, {"u": "nobody"})).all()

            async def via_inline_session() -> None:
                async with db.reader() as s:
                    for _ in range(n):
                        (await s.execute(stmt, {"u": "nobody"})).all()

            async def via_sync_session() -> None:
                with Session(sync_engine) as s:
                    for _ in range(n):
                        s.execute(stmt, {"u": "nobody"}).all()

            async def via_sqlite3() -> None:
                raw.execute("BEGIN")
                for _ in range(n):
                    raw.execute(sql, ("nobody",)).fetchall()
                raw.execute("ROLLBACK")

            return {
                "async engine": via_async_engine,
                "inline session": via_inline_session,
                "sync Session": via_sync_session,
                "sqlite3": via_sqlite3,
            }

        print(f"load average {os.getloadavg()[0]:.1f}; median of {args.rounds} rounds of {args.requests}")
        print("| layer | 1 statement, µs CPU | 3 statements, µs CPU |\n| --- | --: | --: |")
        results: dict[str, list[float]] = {}
        for n in (1, 3):
            for name, way in ways(n).items():
                for _ in range(args.requests // 5):
                    await way()
                rounds = []
                for _ in range(args.rounds):
                    start = time.process_time()
                    for _ in range(args.requests):
                        await way()
                    rounds.append((time.process_time() - start) / args.requests * 1e6)
                results.setdefault(name, []).append(statistics.median(rounds))
        for name, (one, three) in results.items():
            print(f"| {name} | {one:,.0f} | {three:,.0f} |")
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=500)
    asyncio.run(main(parser.parse_args()))
