"""A database that cannot be reached answers 503 DATABASE_UNAVAILABLE, never a 500.

Problem: while PostgreSQL restarts (or a SQLite file is locked by another process past the busy
timeout), every statement fails with a driver error: asyncpg's connect refused or `CannotConnectNow`,
a connection lost mid-statement, a pool timeout, a replica turned read-only by a failover, SQLite's
`database is locked`. Surfacing as they are, they became 500 INTERNAL_ERROR with a traceback per
request: the client cannot tell "try again in a second" from a bug, and the operator sees a crash.

Mechanism: `Database.reader()` / `writer()` pass what their block raised through `classify()`,
which walks the exception's chain (SQLAlchemy's wrapper, the driver's error, the OS error under it)
and names the cause, or None for a genuine bug (a constraint, a syntax error). A named cause becomes
`DatabaseUnavailable` (core/errors.py: 503, `Retry-After`), which the HTTP error handler and the
socket render like any other AppError; the outermost middleware and the socket endpoint classify
whatever still escapes the same way. `OUTAGE` logs the first refusal of an outage at warning level
and its end at info, once each, and counts every refusal in `db_unavailable_total{cause}`.

Price: a try/except around each session (free unless something raises) and one attribute read
after each successful one; classifying walks a chain of a few exceptions, only on failure. The state
is per process, as the metrics are: two instances in one process share one "outage".
"""

from __future__ import annotations

import socket
import sqlite3
import time

from sqlalchemy import exc as sa_exc

from sanctum.core.errors import DatabaseUnavailable
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import DB_UNAVAILABLE

log = get_logger("sanctum.db")

# PostgreSQL SQLSTATEs that mean "not now" rather than "wrong": class 08 (connection exception) is
# matched by prefix; 57P01-57P03 are admin/crash shutdown and "the database system is starting up";
# 53300 is too many connections; 25006 a read-only transaction (a replica, or a primary demoted in a
# failover).
_PG_UNAVAILABLE = {"57P01": "shutdown", "57P02": "shutdown", "57P03": "starting", "53300": "busy", "25006": "read_only"}
# SQLite primary result codes: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL.
_SQLITE_UNAVAILABLE = {5: "locked", 6: "locked", 8: "read_only", 10: "io", 13: "full", 14: "cannot_open", 15: "locked"}


def _cause_of_one(error: BaseException) -> str | None:
    if isinstance(error, sa_exc.TimeoutError):
        return "pool_timeout"
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return "connection_lost"
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str):
        if sqlstate.startswith("08"):
            return "connect"
        if sqlstate in _PG_UNAVAILABLE:
            return _PG_UNAVAILABLE[sqlstate]
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return _SQLITE_UNAVAILABLE.get(code & 0xFF) if isinstance(code, int) else None
    if isinstance(error, (ConnectionError, TimeoutError, socket.gaierror)):
        return "connect"
    # asyncpg's own words for a connection that died under a statement (its other errors for a lost
    # connection carry a class 08 SQLSTATE); matched by name, as SQLAlchemy's dialect does.
    if type(error).__name__ == "InterfaceError" and "connection is closed" in str(error):
        return "connection_lost"
    return None


def classify(error: BaseException) -> tuple[str, BaseException] | None:
    """Why `error` means the database could not be reached (a short, bounded label) and the error in
    its chain that says so; None for anything else."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        cause = "refused" if isinstance(current, DatabaseUnavailable) else _cause_of_one(current)
        if cause is not None:
            return cause, current
        for nested in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(nested, BaseException):
                pending.append(nested)
    return None


class Outage:
    """Whether this process is in a database outage, per side: reads may work while writes do not
    (SQLite locked by another process, a replica up and the primary down). Logs the start and the
    end of each side's outage once; `down` is one attribute read on the hot path."""

    def __init__(self) -> None:
        self.down = False
        self._since: dict[str, float] = {}
        self._refused: dict[str, int] = {}

    def refuse(self, cause: str, culprit: BaseException, side: str = "unknown") -> DatabaseUnavailable:
        """The 503 to raise; the first of an outage is logged, without a traceback and without the
        error's text (SQLAlchemy's carries the statement's parameters)."""
        DB_UNAVAILABLE.labels(cause).inc()
        self._refused[side] = self._refused.get(side, 0) + 1
        if side not in self._since:
            self._since[side], self._refused[side], self.down = time.monotonic(), 1, True
            log.warning("database_unavailable", side=side, cause=cause, error=type(culprit).__name__)
        return DatabaseUnavailable()

    def served(self, side: str) -> None:
        """A session of this side completed: its outage (and one of unknown side) is over."""
        for ended in (side, "unknown"):
            since = self._since.pop(ended, None)
            if since is not None:
                log.info(
                    "database_available_again",
                    side=ended,
                    outage_seconds=round(time.monotonic() - since, 2),
                    refused=self._refused.pop(ended, 0),
                )
        self.down = bool(self._since)


OUTAGE = Outage()


def as_unavailable(error: BaseException) -> DatabaseUnavailable | None:
    """The 503 for an exception that escaped a session unclassified (middleware, socket), or None."""
    if isinstance(error, DatabaseUnavailable):
        return error
    found = classify(error)
    return None if found is None else OUTAGE.refuse(*found)
