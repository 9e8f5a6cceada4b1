"""One real, migrated database per test.

A template is migrated once per session (Alembic, then the checksums, as `sanctum migrate` does);
every test gets a copy: a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import queue
import shutil
import threading
from pathlib import Path
from typing import Protocol

import psycopg
from psycopg import sql
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from sanctum.db.migrate import record_checksums, upgrade

TEMPLATE_NAME = "sanctum_template"


def migrate(url: str) -> None:
    """Apply every migration and record the checksums (blocking: call it outside an event loop)."""
    upgrade(url)

    async def record() -> None:
        engine = create_async_engine(url)
        try:
            await record_checksums(engine, url)
        finally:
            await engine.dispose()

    asyncio.run(record())


class Databases(Protocol):
    def create(self, workdir: Path) -> str:
        """A migrated database of its own; returns its SQLAlchemy URL."""
        ...

    def create_empty(self, workdir: Path) -> str:
        """A database with no schema at all."""
        ...

    def drop(self, url: str) -> None: ...

    def close(self) -> None:
        """Stop any background work before the server goes away."""
        ...


class SqliteDatabases:
    def __init__(self, template_dir: Path) -> None:
        self.template = template_dir / "template.db"
        migrate(f"sqlite+aiosqlite:///{self.template}")

    def create(self, workdir: Path) -> str:
        path = workdir / "sanctum.db"
        shutil.copyfile(self.template, path)
        return f"sqlite+aiosqlite:///{path}"

    def create_empty(self, workdir: Path) -> str:
        # Not even the file or its directory exists yet.
        return f"sqlite+aiosqlite:///{workdir / 'empty' / 'sanctum.db'}"

    def drop(self, url: str) -> None:
        # The file lives in the test's tmp_path, which pytest cleans up.
        return None

    def close(self) -> None:
        return None


class PostgresDatabases:
    """Test databases on one server. A background thread keeps a few copies of the template ready,
    so creating a database (a checkpoint and a file copy) overlaps with the previous test."""

    def __init__(self, host: str, port: int, user: str, password: str | None = None, ahead: int = 2) -> None:
        self._conninfo = psycopg.conninfo.make_conninfo(
            host=host, port=port, user=user, password=password or None, dbname="postgres"
        )
        credentials = user if not password else f"{user}:{password}"
        self._base_url = f"postgresql+asyncpg://{credentials}@{host}:{port}"
        self._names = itertools.count(1)
        with psycopg.connect(self._conninfo) as conn:
            version = conn.info.server_version
        # Copying the files of a small template is about twice as fast as WAL-logging it (15+).
        self._strategy = sql.SQL(" STRATEGY FILE_COPY" if version >= 150000 else "")
        self._execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(TEMPLATE_NAME)))
        self._execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE_NAME)))
        migrate(self.url(TEMPLATE_NAME))
        self._ready: queue.Queue[str] = queue.Queue(maxsize=ahead)
        self._closing = threading.Event()
        self._worker = threading.Thread(target=self._keep_ready, name="test-databases", daemon=True)
        self._worker.start()

    def url(self, name: str) -> str:
        return f"{self._base_url}/{name}"

    def _execute(self, statement: sql.Composable) -> None:
        with psycopg.connect(self._conninfo, autocommit=True) as conn:
            conn.execute(statement)

    def _new_name(self, prefix: str) -> str:
        return f"{prefix}_{os.getpid()}_{next(self._names)}"

    def _copy_template(self) -> str:
        name = self._new_name("test")
        self._execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE_NAME), self._strategy
            )
        )
        return name

    def _keep_ready(self) -> None:
        while not self._closing.is_set():
            try:
                name = self._copy_template()
            except psycopg.Error:
                # A test may have stopped the server on purpose; it comes back.
                self._closing.wait(0.2)
                continue
            while not self._closing.is_set():
                try:
                    self._ready.put(name, timeout=0.2)
                    break
                except queue.Full:
                    continue

    def create(self, workdir: Path) -> str:
        try:
            name = self._ready.get(timeout=10)
        except queue.Empty:
            name = self._copy_template()  # raises what is wrong with the server
        return self.url(name)

    def create_empty(self, workdir: Path) -> str:
        name = self._new_name("empty")
        self._execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def close(self) -> None:
        self._closing.set()
        self._worker.join(timeout=30)


async def execute(url: str, statement: str, **params: object) -> None:
    """Run one statement against a test database, outside the app (to set up a broken state)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(statement), params)
    finally:
        await engine.dispose()


async def table_names(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
