"""Fixtures every suite shares.

The mode comes from `SANCTUM_TEST_MODE`:

- `embedded` (default): each test gets its own migrated SQLite file; there is no Redis.
- `scaled`: the suite starts PostgreSQL and Redis once per session (free ports, 127.0.0.1 only); each
  test gets its own database created from a migrated template, and Redis is flushed before it.

Tests marked `scaled_only` are deselected, not skipped, in embedded mode; `embedded_only` ones in scaled mode.

Tests build the app with `make_client(settings)` (or the `client` fixture) and `Settings` objects from
`make_settings(**overrides)`; nothing here reads or changes `os.environ` beyond the mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
import redis
import structlog
from fastapi import FastAPI
from mirakuru import Executor
from mirakuru.base import SimpleExecutor
from mirakuru.exceptions import ProcessFinishedWithError
from pytest_postgresql import factories as postgresql_factories
from pytest_redis import factories as redis_factories

from sanctum.main import create_app
from sanctum.observability.logging import configure_logging
from sanctum.settings import Settings
from sanctum.storage.settings import FileSettings
from tests.support.databases import Databases, PostgresDatabases, SqliteDatabases
from tests.support.s3 import S3Server, s3_server
from tests.support.settings import FAST_AUTH, FAST_JOBS, GENEROUS_RATE_LIMITS, TEST_SECRET_KEY

MODE = os.environ.get("SANCTUM_TEST_MODE", "embedded")
if MODE not in ("embedded", "scaled"):
    raise pytest.UsageError(f"SANCTUM_TEST_MODE must be embedded or scaled, not {MODE!r}")
SCALED = MODE == "scaled"

# Wrappers that run the servers as a non-root user when needed and out of reach of mirakuru's
# exit-time process sweep (see the comments inside them).
PG_CTL = Path(__file__).parent / "support" / "pg_ctl"
REDIS_SERVER = Path(__file__).parent / "support" / "redis-server"

# Session-scoped server processes. Only scaled runs request them, so embedded runs start nothing.
postgresql_server = postgresql_factories.postgresql_proc(
    executable=str(PG_CTL),
    host="127.0.0.1",
    port=None,
    # Durability is not under test; skipping fsync makes CREATE DATABASE per test cheap.
    postgres_options="-c fsync=off -c full_page_writes=off -c synchronous_commit=off",
)
redis_server = redis_factories.redis_proc(executable=str(REDIS_SERVER), host="127.0.0.1", port=None)

_PRIVATE_BASETEMP = pytest.StashKey[Path]()


# -- session set-up and collection ---------------------------------------------------------------


def configure_test_logging() -> None:
    """Readable log lines with plain tracebacks, written to whatever sys.stdout is at each call.

    Unconfigured, structlog renders an exception with rich and the locals of every frame: for an
    async database stack that blocks the event loop for seconds.
    """
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback),
        ],
        logger_factory=structlog.PrintLoggerFactory(),
        cache_logger_on_first_use=False,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    configure_test_logging()
    if SCALED and os.geteuid() == 0 and not config.option.basetemp:
        # As root, PostgreSQL runs as another user (see support/pg_ctl) and must reach its data
        # directory under the temporary root. pytest shares /tmp/pytest-of-root between sessions and
        # every session that starts resets it to 0700, which would lock a running server out.
        config.option.basetemp = str(Path(tempfile.gettempdir()) / f"sanctum-tests-{os.getpid()}")
        config.stash[_PRIVATE_BASETEMP] = Path(config.option.basetemp)


def pytest_unconfigure(config: pytest.Config) -> None:
    private = config.stash.get(_PRIVATE_BASETEMP, None)
    if private is not None:
        shutil.rmtree(private, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:
    return f"sanctum test mode: {MODE}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    other_mode = "embedded_only" if SCALED else "scaled_only"
    deselected = [item for item in items if item.get_closest_marker(other_mode)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(other_mode)]


# -- servers and databases -----------------------------------------------------------------------


@dataclass(frozen=True)
class ScaledServers:
    """The PostgreSQL and Redis processes of a scaled run, for tests that stop and restart them."""

    postgresql: Executor
    redis: Executor

    @asynccontextmanager
    async def stopped(self, server: Executor) -> AsyncIterator[None]:
        """Stop a server for the block and start it again afterwards, whatever happens inside."""
        await asyncio.to_thread(server.stop)
        try:
            yield
        finally:
            await asyncio.to_thread(server.start)

    @asynccontextmanager
    async def postgresql_crashed(self) -> AsyncIterator[None]:
        """PostgreSQL stopped as by a crash for the block (`pg_ctl stop -m immediate`: every connection
        cut, no checkpoint), then started again, through crash recovery, whatever happens inside."""
        server: Any = self.postgresql
        immediate = [server.executable, "stop", "-D", server.datadir, "-m", "immediate"]
        await asyncio.to_thread(subprocess.check_output, immediate, timeout=30)
        try:
            yield
        finally:
            await asyncio.to_thread(self._start_after_crash, server)

    @staticmethod
    def _start_after_crash(server: Any) -> None:
        # The server is gone already; mirakuru's own stop forgets its process so start() runs again.
        with contextlib.suppress(ProcessFinishedWithError):
            SimpleExecutor.stop(server)
        server.start()


@pytest.fixture(scope="session")
def scaled_servers(request: pytest.FixtureRequest) -> ScaledServers:
    if not SCALED:
        raise pytest.UsageError("scaled_servers is only available in scaled mode; mark the test scaled_only")
    return ScaledServers(
        postgresql=request.getfixturevalue("postgresql_server"),
        redis=request.getfixturevalue("redis_server"),
    )


@pytest.fixture(scope="session")
def databases(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    found: Databases
    if SCALED:
        server = request.getfixturevalue("scaled_servers").postgresql
        found = PostgresDatabases(server.host, server.port, server.user, server.password)
    else:
        found = SqliteDatabases(tmp_path_factory.mktemp("sqlite-template"))
    yield found
    found.close()


@pytest.fixture
def database_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database of this test's own."""
    url = databases.create(tmp_path)
    yield url
    databases.drop(url)


@pytest.fixture
def empty_database_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own that no migration has touched."""
    url = databases.create_empty(tmp_path)
    yield url
    databases.drop(url)


@pytest.fixture(scope="session")
def redis_url(request: pytest.FixtureRequest) -> str | None:
    if not SCALED:
        return None
    server = request.getfixturevalue("scaled_servers").redis
    return f"redis://{server.host}:{server.port}/0"


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    """An S3-compatible server (moto's, tests/support/s3.py) with one bucket; started on first use."""
    with s3_server() as server:
        yield server


@pytest.fixture
def clean_redis(redis_url: str | None) -> None:
    """Redis as new: no counters or keys left by an earlier test."""
    if redis_url is None:
        return
    with redis.Redis.from_url(redis_url) as connection:
        connection.flushall()


# -- settings and apps ---------------------------------------------------------------------------


class SettingsFactory(Protocol):
    def __call__(self, **overrides: Any) -> Settings: ...


@pytest.fixture
def make_settings(database_url: str, redis_url: str | None, clean_redis: None, tmp_path: Path) -> SettingsFactory:
    """`Settings` for this test's database (and Redis when scaled); keyword arguments override fields."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "app_env": "test",
            "secret_key": TEST_SECRET_KEY,
            "database_url": database_url,
            "database_read_url": None,
            "database_pool_size": 5,
            "redis_url": redis_url,
            "health_timeout_seconds": 1.0,
            "log_format": "json",
            "web_dist": tmp_path / "no-web-build",
            "auth": FAST_AUTH,
            "rate_limits": GENEROUS_RATE_LIMITS,
            "jobs": FAST_JOBS,
            "files": FileSettings(directory=tmp_path / "files"),
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


class ClientFactory(Protocol):
    def __call__(
        self,
        settings: Settings | None = None,
        *,
        app: FastAPI | None = None,
        client_ip: str = "127.0.0.1",
        headers: dict[str, str] | None = None,
    ) -> Awaitable[httpx.AsyncClient]: ...


@pytest.fixture
async def make_client(make_settings: SettingsFactory) -> AsyncIterator[ClientFactory]:
    """Start an app (its lifespan included) and return an HTTP client for it.

    Each call with settings (or none) starts an independent instance, so two calls with the same
    settings are two instances sharing one database (and one Redis when scaled). Pass `app` to start
    an app the test built; passing the same app again gives another client (e.g. from another IP) of
    that one instance. Everything is shut down when the test ends.
    """
    started: set[int] = set()
    async with AsyncExitStack() as stack:

        async def make(
            settings: Settings | None = None,
            *,
            app: FastAPI | None = None,
            client_ip: str = "127.0.0.1",
            headers: dict[str, str] | None = None,
        ) -> httpx.AsyncClient:
            if app is None:
                app = create_app(settings or make_settings())
            if id(app) not in started:
                await stack.enter_async_context(app.router.lifespan_context(app))
                started.add(id(app))
            transport = httpx.ASGITransport(app=app, client=(client_ip, 50000))
            client = httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)
            return await stack.enter_async_context(client)

        yield make


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    """A client for one app instance built from `make_settings()`."""
    return await make_client()


# -- logs ----------------------------------------------------------------------------------------


LogReader = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def json_logs(make_settings: SettingsFactory) -> Iterator[LogReader]:
    """Logging configured as `sanctum serve` configures it with LOG_FORMAT=json, writing into a buffer;
    the reader parses every line written so far (a line that is not JSON fails the test)."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    buffer = io.StringIO()
    # configure_logging writes to whatever sys.stderr is while it runs.
    with contextlib.redirect_stderr(buffer):
        configure_logging(make_settings(log_format="json", log_level="info"))

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]

    try:
        yield read
    finally:
        configure_test_logging()
        root.handlers[:], root.level = saved_handlers, saved_level
        logging.getLogger("uvicorn.access").disabled = False
