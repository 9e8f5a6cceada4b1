"""SQLite for embedded mode, run on the event loop's own thread.

aiosqlite runs every call (cursor, execute, fetch, commit...) on a worker thread and hands the result
back through the loop: about a dozen thread round trips per transaction, which measured 100-400 µs
each on this 2-core machine, against 10-20 µs for the SQLite work itself (docs/benchmarks.md,
"SQLite on the loop"). A local SQLite file in WAL mode answers in microseconds, so here the same
aiosqlite interface (which SQLAlchemy's aiosqlite dialect drives) runs each call inline instead.

What makes that safe: a call can only block the loop while SQLite waits for a lock, and
- readers never wait in WAL mode;
- writers in this process take `write_lock(path)` first, so at most one write transaction is open
  per database file and process, and BEGIN IMMEDIATE never waits on a sibling;
- another process (`sanctum create-admin`, a second server on the same file) can make a write wait
  for at most `busy_timeout` (`DATABASE_TIMEOUT_SECONDS`) while it holds the lock: a pause; past it,
  the request answers 503 DATABASE_UNAVAILABLE (db/outage.py).

Sessions go one step further (`inline_engine` + `InlineSession`): the app's readers and writers run
SQLAlchemy's synchronous engine on the `sqlite3` module, and `InlineSession` answers the awaited
methods repositories call (`execute`, `scalar`, `scalars`, `get`, `flush`) by calling the sync session
directly. The async engine's bridge (a greenlet switch per call, aiosqlite's futures, the loop's turns)
cost more than the queries: a one-statement read transaction took ~620-740 µs of CPU through it and
~270-310 µs without, and each further statement ~200 µs against ~70 µs (docs/benchmarks.md, "SQLite
sessions").
Nothing changes in what blocks the loop: it is the same SQLite work on the same thread. The async
engines stay for what is not a session (migrations, the schema check, backups, the CLI).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiosqlite
from sqlalchemy import Engine, create_engine, event, util
from sqlalchemy.engine import Connection, Result
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from sanctum.db.unit_of_work import UnitOfWork

# AsyncSession buffers every result it returns (its cursor is closed before the call returns).
_BUFFERED = util.immutabledict({"prebuffer_rows": True})


class _RunNow:
    """Stands in for aiosqlite's queue to its worker thread: runs each call at once, on this thread."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # handed to whoever awaits the future, as aiosqlite does
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class LoopConnection(aiosqlite.Connection):
    """An aiosqlite connection without its worker thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]

    def __await__(self) -> Any:
        return self._connect().__await__()  # no worker thread to start


def async_creator(path: str, timeout: float) -> Callable[[], Any]:
    """For `create_async_engine(..., async_creator=...)`: connections to the SQLite file `path`."""

    async def connect() -> LoopConnection:
        connection = LoopConnection(
            lambda: sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        )
        await connection
        return connection

    return connect


class WriteLock:
    """One writer at a time, in arrival order; a task that asks again while holding it is refused
    at once (a write transaction opened inside another would otherwise wait for itself forever)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        me = asyncio.current_task()
        if me is not None and me is self._owner:
            raise RuntimeError("a write transaction was opened inside another one on the same SQLite database")
        async with self._lock:
            self._owner = me
            try:
                yield
            finally:
                self._owner = None

    def bound_elsewhere(self, loop: asyncio.AbstractEventLoop) -> bool:
        return getattr(self._lock, "_loop", None) not in (None, loop)


_write_locks: dict[tuple[str, int], WriteLock] = {}


def write_lock(path: str) -> WriteLock:
    """The one lock of this process (and event loop) that writers of the SQLite file `path` hold."""
    loop = asyncio.get_running_loop()
    key = (path, id(loop))
    lock = _write_locks.get(key)
    # A lock left by a closed loop whose id was reused is bound to that loop: replace it.
    if lock is None or lock.bound_elsewhere(loop):
        lock = _write_locks[key] = WriteLock()
    return lock


class _Cursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """AsyncSession awaits this on the cursor of each result; a buffered sqlite3 cursor has nothing to do."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)


def inline_engine(path: str, timeout: float, begin: str) -> Engine:
    """A synchronous engine on the SQLite file `path`, for sessions (see the module docstring). Each
    transaction starts with `begin` sent straight to sqlite3: through SQLAlchemy's execution path
    (`exec_driver_sql`), the BEGIN alone cost as much as a session's query."""

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            path, timeout=timeout, isolation_level=None, check_same_thread=False, factory=_Connection
        )

    # A synchronous pool that ran out would block the loop's thread, and with it every session that
    # could give a connection back: beyond the 20 kept, connections are opened (and closed) as needed.
    engine = create_engine(f"sqlite:///{path}", creator=connect, pool_size=20, max_overflow=-1)

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.connection.dbapi_connection.execute(begin)  # type: ignore[union-attr]

    return engine


def bound(session_class: type[Session], engine: Engine) -> type[Session]:
    """`session_class` always bound to `engine` (AsyncSession would hand its sync session an async one)."""

    class Bound(session_class):  # type: ignore[misc, valid-type]
        def __init__(self, bind: Any = None, **kwargs: Any) -> None:
            super().__init__(bind=engine, **kwargs)

    Bound.__name__ = Bound.__qualname__ = session_class.__name__
    return Bound


def _buffered(options: Any) -> Any:
    return _BUFFERED.union(options) if options else _BUFFERED


class InlineSession(AsyncSession):
    """An AsyncSession whose hot methods call its synchronous session at once, with no greenlet."""

    async def execute(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = util.EMPTY_DICT,
        bind_arguments: Any = None,
        **kw: Any,
    ) -> Result[Any]:
        options = _buffered(execution_options)
        return self.sync_session.execute(
            statement, params, execution_options=options, bind_arguments=bind_arguments, **kw
        )

    async def scalar(
        self, statement: Any, params: Any = None, *, execution_options: Any = util.EMPTY_DICT, **kw: Any
    ) -> Any:
        return self.sync_session.scalar(statement, params, execution_options=_buffered(execution_options), **kw)

    async def get(self, entity: Any, ident: Any, **kw: Any) -> Any:
        return self.sync_session.get(entity, ident, **kw)

    async def flush(self, objects: Any = None) -> None:
        self.sync_session.flush(objects)

    async def close(self) -> None:
        self.sync_session.close()

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        # AsyncSession shields its close in a task of its own so a cancellation cannot interrupt it;
        # a synchronous close has no await to be interrupted at.
        self.sync_session.close()


class InlineUnitOfWork(InlineSession, UnitOfWork):
    """The unit of work over the synchronous SQLite engine."""
