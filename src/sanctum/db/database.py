"""Engines and sessions. Reads go through `reader()`, writes through `writer()`.

`writer()` yields a unit of work (db/unit_of_work.py): it commits when the block ends and rolls back
on error, then publishes the events emitted in it and runs its after-commit hooks. On SQLite
the writer takes the write lock up front (BEGIN IMMEDIATE) so two writers queue instead of failing
when one upgrades a read to a write; readers use a separate engine and never block writers (WAL).
With `DATABASE_READ_URL` set, `reader()` goes to the replica: a configuration change, not a code one.

On PostgreSQL a reader runs in autocommit: no BEGIN before its first statement and no ROLLBACK at
its end, two round trips fewer per read. Under READ COMMITTED (the default, which the writers keep)
every statement takes its own snapshot even inside a transaction, so a reader sees what it saw
before. Pooled connections are pinged only when they come back after `POOL_PING_IDLE_SECONDS` idle
(or their socket is already closed), not on every checkout (`_ping_when_idle`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from sanctum.core.errors import AppError, DatabaseUnavailable
from sanctum.db import sqlite
from sanctum.db.outage import OUTAGE, classify
from sanctum.db.replica import ReplicaRoute, reading_replica
from sanctum.db.unit_of_work import Publish, UnitOfWork, refuse_to_publish
from sanctum.observability import tracing
from sanctum.observability.metrics import DB_ERRORS, DB_QUERY_DURATION, DB_TRANSACTIONS, REPLICA_READS
from sanctum.settings import Settings


def operation_of(statement: str) -> str:
    """The statement's kind for metric labels: a fixed set, never the SQL itself."""
    head = statement[:6].upper()
    if head in _OPERATIONS:
        return head.lower()
    return "select" if head.startswith("WITH") else "other"


_OPERATIONS = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
_QUERY_DURATION = {op: DB_QUERY_DURATION.labels(op) for op in ("select", "insert", "update", "delete", "other")}
_QUERY_ERRORS = {op: DB_ERRORS.labels(op) for op in _QUERY_DURATION}


def _instrument(sync: Engine) -> None:
    @event.listens_for(sync, "before_cursor_execute")
    def _start(conn: Connection, *_: Any) -> None:
        conn.info.setdefault("query_start", []).append(time.perf_counter())

    @event.listens_for(sync, "after_cursor_execute")
    def _stop(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        started = conn.info["query_start"].pop()
        _QUERY_DURATION[operation_of(statement)].observe(time.perf_counter() - started)

    @event.listens_for(sync, "handle_error")
    def _error(context: ExceptionContext) -> None:
        _QUERY_ERRORS[operation_of(context.statement or "")].inc()
        stack = context.connection.info.get("query_start") if context.connection is not None else None
        if stack:
            stack.pop()


# A pooled connection idle longer than this is pinged when it is taken again (a database restart or a
# proxy's idle timeout may have cut it); one used more recently goes straight to its statement.
POOL_PING_IDLE_SECONDS = 5.0


def _ping_when_idle(sync: Engine, idle_seconds: float = POOL_PING_IDLE_SECONDS) -> None:
    """`pool_pre_ping`, only where it can find something: it cost a round trip per checkout (three
    on asyncpg outside autocommit: BEGIN, the ping, ROLLBACK), on every request. A connection whose
    socket the database closed (a restart) is known closed without a round trip and replaced; one
    idle long enough to have been cut silently is pinged. A cut that neither catches fails its
    statement, which answers 503 (db/outage.py) and makes the pool drop its connections."""

    @event.listens_for(sync, "checkin")
    def _checked_in(_dbapi_conn: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync, "checkout")
    def _checked_out(dbapi_conn: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None:
            return  # a new connection
        driver = getattr(dbapi_conn, "driver_connection", None)
        if driver is not None and driver.is_closed():
            raise DisconnectionError("the database closed this connection")  # the pool takes another
        if time.monotonic() - idle_since < idle_seconds:
            return
        try:
            sync.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError("the idle connection did not answer a ping") from exc


def _sqlite_pragmas(sync: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(sync, "connect")
    def _connect(dbapi_conn: Any, _: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions defer the lock).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms:d}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def sqlite_path(url: str) -> str:
    """The file of a `sqlite+aiosqlite:///path` URL (`:memory:` when there is none)."""
    _, _, rest = url.partition(":///")
    return rest.split("?", 1)[0] or ":memory:"


def make_engine(
    url: str, settings: Settings, *, sqlite_begin: str = "BEGIN", connect_timeout: float | None = None
) -> AsyncEngine:
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Calls run on the event loop's thread (see db/sqlite.py), not on aiosqlite's worker threads.
        timeout = settings.database_timeout_seconds
        engine = create_async_engine(url, async_creator=sqlite.async_creator(path, timeout=timeout))
        _sqlite_pragmas(engine.sync_engine, int(timeout * 1000))

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql(sqlite_begin)  # aiosqlite's connection is only reached awaiting
    else:  # PostgreSQL
        engine = create_async_engine(
            url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_pool_size,
            pool_recycle=1800,
            pool_timeout=settings.database_timeout_seconds,
            connect_args={"timeout": connect_timeout or settings.database_timeout_seconds},
        )
        _ping_when_idle(engine.sync_engine)
    _instrument(engine.sync_engine)
    tracing.instrument_engine(engine.sync_engine)
    return engine


def make_session_engine(path: str, *, begin: str, timeout: float) -> Engine:
    """The synchronous engine sessions use on the SQLite file `path` (db/sqlite.py says why)."""
    engine = sqlite.inline_engine(path, timeout=timeout, begin=begin)
    _sqlite_pragmas(engine, int(timeout * 1000))  # the engine sends its own BEGIN
    _instrument(engine)
    tracing.instrument_engine(engine)
    return engine


def _refusal(error: Exception, side: str) -> DatabaseUnavailable | None:
    """The 503 for an error a session's block raised when the database could not be reached, or None
    (a bug, a constraint, or an AppError the block chose, even one raised while handling a driver error)."""
    if isinstance(error, AppError):
        return None
    found = classify(error)
    return None if found is None else OUTAGE.refuse(*found, side)


def _autocommit(engine: AsyncEngine) -> AsyncEngine:
    """The engine readers use: on PostgreSQL the same pool in autocommit (the module's docstring says
    why); the isolation level is set on a connection when a reader takes it and reset when it goes back."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


class _ReadSession(Session):
    """The sync session behind `reader()`: its own class so its transactions are counted as reads."""


class _WriteSession(Session):
    """The sync session behind `writer()`."""


def _count_transactions(session_class: type[Session], mode: str) -> None:
    counter = DB_TRANSACTIONS.labels(mode)

    @event.listens_for(session_class, "after_begin")
    def _begun(_session: Session, _transaction: SessionTransaction, _connection: Connection) -> None:
        counter.inc()


_count_transactions(_ReadSession, "read")
_count_transactions(_WriteSession, "write")


@contextmanager
def _answering_outages(side: str) -> Iterator[None]:
    """A session's block: a failure to reach the database becomes the 503; a clean exit while an
    outage is recorded ends it for `side`."""
    try:
        yield
    except Exception as exc:
        refusal = _refusal(exc, side)
        if refusal is None:
            raise
        raise refusal from exc
    if OUTAGE.down:
        OUTAGE.served(side)


class Database:
    """`publish` is where committed events go (the broker); a Database built without one refuses to emit."""

    def __init__(self, settings: Settings, publish: Publish = refuse_to_publish) -> None:
        self.url = settings.database_url
        self._publish = publish
        self.dialect = "postgresql" if settings.uses_postgres else "sqlite"
        self._sqlite_path = sqlite_path(settings.database_url) if self.dialect == "sqlite" else None
        self.writer_engine = make_engine(settings.database_url, settings, sqlite_begin="BEGIN IMMEDIATE")
        self.replica: ReplicaRoute | None = None
        if settings.database_read_url:
            # A replica that does not answer a connect in 2 s is treated as down (reads go to the primary).
            self.reader_engine = make_engine(
                settings.database_read_url, settings, connect_timeout=min(2.0, settings.database_timeout_seconds)
            )
            res = settings.resilience
            if settings.database_read_url.startswith("postgresql"):
                self.replica = ReplicaRoute(
                    self.reader_engine,
                    max_lag=res.replica_max_lag_seconds,
                    check_seconds=res.replica_check_seconds,
                    failures=res.breaker_failures,
                    reset_seconds=res.breaker_reset_seconds,
                )
        elif self.dialect == "sqlite":
            self.reader_engine = make_engine(settings.database_url, settings)
        else:
            self.reader_engine = self.writer_engine
        self._writer = async_sessionmaker(
            self.writer_engine,
            class_=UnitOfWork,
            expire_on_commit=False,
            autoflush=False,
            sync_session_class=_WriteSession,
        )
        self._reader = async_sessionmaker(
            _autocommit(self.reader_engine), expire_on_commit=False, autoflush=False, sync_session_class=_ReadSession
        )
        self._session_engines: list[Engine] = []
        if self._sqlite_path not in (None, ":memory:") and not settings.database_read_url:
            # Sessions on SQLite run SQLAlchemy's synchronous engine on the loop's thread (db/sqlite.py).
            timeout = settings.database_timeout_seconds
            write = make_session_engine(self._sqlite_path, begin="BEGIN IMMEDIATE", timeout=timeout)
            read = make_session_engine(self._sqlite_path, begin="BEGIN", timeout=timeout)
            self._session_engines = [write, read]
            self._writer = async_sessionmaker(
                class_=sqlite.InlineUnitOfWork,
                expire_on_commit=False,
                autoflush=False,
                sync_session_class=sqlite.bound(_WriteSession, write),
            )
            self._reader = async_sessionmaker(
                class_=sqlite.InlineSession,
                expire_on_commit=False,
                autoflush=False,
                sync_session_class=sqlite.bound(_ReadSession, read),
            )
        # Reads that must see the latest commit (replica lag is not acceptable) use the primary.
        self._fresh_reader = (
            self._reader
            if settings.database_read_url is None
            else async_sessionmaker(
                _autocommit(self.writer_engine),
                expire_on_commit=False,
                autoflush=False,
                sync_session_class=_ReadSession,
            )
        )

    @asynccontextmanager
    async def writer(self) -> AsyncIterator[UnitOfWork]:
        """One unit of work: committed when the block exits cleanly, rolled back otherwise; what it
        emitted is published, and its hooks run, only after the commit (and outside the write turn)."""
        with _answering_outages("write"):
            async with self._write_turn(), self._writer() as uow, uow.begin():
                yield uow
        await uow.committed(self._publish)

    @asynccontextmanager
    async def _write_turn(self) -> AsyncIterator[None]:
        # SQLite has one writer at a time; in this process they queue here rather than in SQLite's
        # busy handler, which would block the event loop (see db/sqlite.py).
        if self._sqlite_path is None:
            yield
            return
        async with sqlite.write_lock(self._sqlite_path).hold():
            yield

    @asynccontextmanager
    async def reader(self, *, fresh: bool = False) -> AsyncIterator[AsyncSession]:
        """A read-only session; `fresh=True` when it must see the latest commit (not a lagging replica).
        With a replica, reads go to the primary while it is down or lagging (db/replica.py)."""
        with _answering_outages("read"):
            session = None if fresh or self.replica is None else await self._replica_session(self.replica)
            if session is not None:
                assert self.replica is not None
                with reading_replica(self.replica.max_lag):
                    async with session:
                        yield session
                return
            # `fresh`, or the replica is down or behind: the primary.
            async with (self._fresh_reader if fresh or self.replica is not None else self._reader)() as primary:
                yield primary

    async def _replica_session(self, replica: ReplicaRoute) -> AsyncSession | None:
        """A session on the replica with its connection taken, or None (read the primary)."""
        if replica.usable:
            session = self._reader()
            try:
                await session.connection()
            except Exception as exc:
                await session.close()
                if classify(exc) is None:
                    raise
                replica.failed()
            else:
                REPLICA_READS.labels("replica").inc()
                return session
        REPLICA_READS.labels("primary").inc()
        return None

    @property
    def reads_from(self) -> str:
        """Where reads go now: "replica", or "primary" (no replica, or it is down or lagging)."""
        return "replica" if self.replica is not None and self.replica.breaker.state == "closed" else "primary"

    def start(self) -> None:
        """Start watching the replica's lag (call it inside the running loop)."""
        if self.replica is not None:
            self.replica.start()

    async def ping(self) -> None:
        """For /health/ready: raises the driver's own error (its name says what failed)."""
        async with self.reader_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        if OUTAGE.down:
            OUTAGE.served("read")

    async def dispose(self) -> None:
        if self.replica is not None:
            await self.replica.stop()
        for engine in self._session_engines:
            engine.dispose()
        await self.writer_engine.dispose()
        if self.reader_engine is not self.writer_engine:
            await self.reader_engine.dispose()
