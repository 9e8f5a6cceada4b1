"""Live app instances and WebSocket clients, shared by the realtime and chat suites.

httpx's ASGI transport has no WebSockets, so a test starts real uvicorn servers in its own event loop
and talks to them over TCP: httpx for REST, the `websockets` library for sockets. Two servers built
from the same settings share one database (and, scaled, one Redis): two instances of the app.

The fixtures `make_server` and `server` are defined here; a suite's conftest.py imports them.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from typing import Any, Protocol

import httpx
import orjson
import pytest
import uvicorn
from fastapi import FastAPI
from prometheus_client import REGISTRY
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from sanctum.db.eventlog import read_events
from sanctum.main import create_app
from sanctum.realtime.gateway import Gateway
from sanctum.settings import RealtimeSettings, Settings
from tests.conftest import LogReader, SettingsFactory
from tests.factories import RegisteredUser, bearer, register_user
from tests.support.events import kind, loose

# Short enough that a failing test fails fast, long enough for a loaded CI machine.
TIMEOUT = 5.0
HTTP_TIMEOUT = 15.0  # a request on a loaded 2-core machine can wait seconds for CPU; a hang still fails


async def eventually(check: Callable[[], Any], within: float = TIMEOUT, interval: float = 0.01) -> None:
    """Poll `check` (sync, or returning an awaitable) until it is truthy; fail if it never is."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition still false after {within} s: {check}")
        await asyncio.sleep(interval)


def sample(name: str, **labels: str) -> float:
    """The current value of a Prometheus sample (0 when it was never set)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def events_named(read: LogReader, event: str) -> list[dict[str, Any]]:
    return [line for line in read() if line.get("event") == event]


class _Server(uvicorn.Server):
    """uvicorn in a background task: signals stay with pytest, startup failures surface as errors."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WsClient:
    """A test's view of one socket: JSON in and out, with timeouts everywhere."""

    def __init__(self, ws: ClientConnection, hello: dict[str, Any] | None) -> None:
        self.ws = ws
        self.hello = hello or {}
        self.received: list[dict[str, Any]] = []  # every frame read, whichever helper read it

    @property
    def connection_id(self) -> str:
        return str(self.hello["connection_id"])

    async def send(self, value: Any) -> None:
        await self.ws.send(orjson.dumps(value).decode())

    async def send_raw(self, data: str | bytes) -> None:
        await self.ws.send(data)

    async def recv(self, within: float = TIMEOUT) -> dict[str, Any]:
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that lands as the
        # frame arrives (python/cpython#86296), and a reader task then outlives its test.
        async with asyncio.timeout(within):
            frame = await self.ws.recv()
        value: dict[str, Any] = orjson.loads(frame)
        self.received.append(value)
        return value

    async def expect(self, type_: str, within: float = TIMEOUT, **fields: Any) -> dict[str, Any]:
        """Skip frames until one of this type (and these field values) arrives; return it."""
        deadline = time.monotonic() + within
        while True:
            frame = await self.recv(max(0.0, deadline - time.monotonic()))
            if frame.get("type") == type_ and all(frame.get(k) == v for k, v in fields.items()):
                return frame

    async def request(self, value: dict[str, Any], within: float = TIMEOUT) -> dict[str, Any]:
        """Send a message with a fresh cid and return the first reply carrying that cid."""
        cid = value.get("cid") or f"c{next(_cids)}"
        await self.send({**value, "cid": cid})
        deadline = time.monotonic() + within
        while True:
            frame = await self.recv(max(0.0, deadline - time.monotonic()))
            if frame.get("cid") == cid:
                return frame

    async def subscribe(self, topic: str, since: int | None = None) -> dict[str, Any]:
        """Subscribe; return the `subscribed` ack, with the events replayed before it under `replayed`."""
        message: dict[str, Any] = {"type": "subscribe", "topic": topic}
        if since is not None:
            message["since"] = since
        cid = f"c{next(_cids)}"
        await self.send({**message, "cid": cid})
        replayed: list[dict[str, Any]] = []
        while True:
            frame = await self.recv()
            if frame.get("cid") == cid:
                assert frame["type"] == "subscribed", frame
                return {**frame, "replayed": replayed}
            if frame.get("topic") == topic and "seq" in frame:
                replayed.append(frame)

    async def closed(self, within: float = TIMEOUT) -> tuple[int | None, str]:
        """Read (and discard) frames until the server closes; return the close code and reason."""
        deadline = time.monotonic() + within
        with contextlib.suppress(ConnectionClosed):
            while True:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    await self.ws.recv()
        rcvd = self.ws.protocol.close_rcvd
        return (rcvd.code, rcvd.reason) if rcvd is not None else (None, "")

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(1.0):
                await self.ws.close()

    def abort(self) -> None:
        """Drop the TCP connection with no close handshake, as a crashed browser or a lost network does."""
        self.ws.transport.abort()


_cids = itertools.count(1)


class LiveServer:
    """One running instance of the app."""

    def __init__(self, app: FastAPI, server: _Server, task: asyncio.Task[None], port: int) -> None:
        self.app = app
        self.server = server
        self.task = task
        self.port = port
        # uvicorn closes a keep-alive connection idle for 5 s; a client that reused one at that moment
        # read a reset (httpcore.ReadError): idle connections are dropped on this side first.
        limits = httpx.Limits(keepalive_expiry=2.0)
        self.http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=HTTP_TIMEOUT, limits=limits)
        self.clients: list[WsClient] = []

    @property
    def gateway(self) -> Gateway:
        gateway: Gateway = self.app.state.services.gateway
        return gateway

    @property
    def settings(self) -> Settings:
        settings: Settings = self.app.state.services.settings
        return settings

    def ws_url(self, query: str) -> str:
        return f"ws://127.0.0.1:{self.port}/api/ws?{query}"

    async def register(self) -> RegisteredUser:
        return await register_user(self.http)

    async def ticket(self, user: RegisteredUser) -> str:
        response = await self.http.post("/api/ws/ticket", headers=bearer(user.access_token))
        assert response.status_code == 200, response.text
        ticket: str = response.json()["ticket"]
        return ticket

    async def open(self, query: str, **options: Any) -> WsClient:
        """Open a socket with this query string; no frame is read."""
        options.setdefault("proxy", None)
        options.setdefault("open_timeout", HTTP_TIMEOUT)  # the handshake is a request: same bound
        options.setdefault("close_timeout", 1.0)
        ws = await connect(self.ws_url(query), **options)
        client = WsClient(ws, None)
        self.clients.append(client)
        return client

    async def connect(self, user: RegisteredUser, **options: Any) -> WsClient:
        """Get a ticket, open a socket with it and read the `hello`."""
        client = await self.open(f"ticket={await self.ticket(user)}", **options)
        hello = await client.recv()
        assert hello["type"] == "hello", hello
        assert hello["user_id"] == user.id
        client.hello = hello
        return client

    def has_connection(self, client: WsClient) -> bool:
        return client.connection_id in self.gateway.endpoint.connections

    async def stop(self, *, drop_clients: bool = True) -> None:
        """Shut the instance down as uvicorn does on SIGTERM. By default the test's sockets are dropped
        first, so shutdown does not wait on their close handshakes."""
        if drop_clients:
            for client in self.clients:
                if client.ws.state is State.OPEN:
                    client.abort()
        self.server.should_exit = True
        try:
            async with asyncio.timeout(10.0):
                await asyncio.shield(self.task)
        finally:
            await self.http.aclose()


class ServerFactory(Protocol):
    def __call__(self, settings: Settings | None = None, **realtime: Any) -> Awaitable[LiveServer]: ...


async def start_server(settings: Settings) -> LiveServer:
    """Start `create_app(settings)` under uvicorn on a free port, configured as `sanctum serve` runs it."""
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_config=None,
        lifespan="on",
        # As cli.py's `serve` does.
        ws_max_size=max(1_048_576, 4 * settings.realtime.max_frame_bytes),
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=3,
    )
    server = _Server(config)

    async def serve() -> None:
        try:
            await server.serve()
        except SystemExit as exc:  # uvicorn's answer to a failed lifespan startup
            raise RuntimeError("the app failed to start") from exc

    task = asyncio.create_task(serve(), name="uvicorn")
    await eventually(lambda: server.started or task.done(), within=15.0)
    if task.done():
        task.result()
        raise AssertionError("the server stopped during startup")
    port = server.servers[0].sockets[0].getsockname()[1]
    return LiveServer(app, server, task, port)


# -- the event log -------------------------------------------------------------------------------


async def logged(server: LiveServer, topic: str) -> list[dict[str, Any]]:
    """The topic's event log, decoded: what every subscriber must have received, in this order."""
    async with server.gateway.db.reader() as session:
        events = await read_events(session, topic, after=0, limit=100_000)
    return [orjson.loads(event.frame) for event in events]


async def publish(server: LiveServer, topic: str, first: int, last: int) -> None:
    """Publish persistent events numbered first..last through `server`, one transaction each."""
    for n in range(first, last + 1):
        await server.gateway.publish_persistent(topic, kind("note.created"), loose({"n": n}))


async def receive_seqs(client: WsClient, topic: str, upto: int) -> list[dict[str, Any]]:
    """Read events of `topic` until the one with seq `upto`; any other frame fails the test."""
    received: list[dict[str, Any]] = []
    while not received or received[-1]["seq"] < upto:
        frame = await client.recv()
        assert frame.get("topic") == topic and "seq" in frame, frame
        received.append(frame)
    return received


# -- fixtures (imported by the conftest.py of the suites that use live servers) --------------------


@pytest.fixture
async def make_server(make_settings: SettingsFactory) -> AsyncIterator[ServerFactory]:
    """Start an app instance on a free port. Keyword arguments set `RealtimeSettings` fields (tests use
    small limits); `settings` replaces the whole object. Each call is one more instance on the test's
    database (and Redis); every one is stopped when the test ends."""
    async with AsyncExitStack() as stack:

        async def make(settings: Settings | None = None, **realtime: Any) -> LiveServer:
            live = await start_server(settings or make_settings(realtime=RealtimeSettings(**realtime)))
            stack.push_async_callback(live.stop)
            return live

        yield make


@pytest.fixture
async def server(make_server: ServerFactory) -> LiveServer:
    """One instance with the default realtime settings."""
    return await make_server()
