"""Graceful shutdown of a real `sanctum serve` process on SIGTERM (api/shutdown.py), traced over OTLP as
configured in production (the spans of the last requests are exported before the process exits)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import time
from pathlib import Path

import httpx
import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import SettingsFactory
from tests.factories import bearer, register_user, unique_username
from tests.support.processes import SANCTUM, _environment

DRAIN_SECONDS = 1.5


class OtlpReceiver:
    """The smallest OTLP/HTTP collector: records each POST's path, content type and body, answers 200."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str, bytes]] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                headers = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.posts.append((head[0].split(" ")[1], headers.get("content-type", ""), body))
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_until_up(http: httpx.AsyncClient, process: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.returncode is None, "the server exited during startup"
        with contextlib.suppress(httpx.TransportError):
            if (await http.get("/health/live")).status_code == 200:
                return
        await asyncio.sleep(0.1)
    raise AssertionError("the server did not start")


# One mode: the drain, the 1012 and the export are the server's, whatever the database; the scaled
# pieces of a shutdown (game leases over Redis, jobs left to workers) have tests of their own.
@pytest.mark.embedded_only
async def test_sigterm_drains_then_finishes_the_request_in_flight_and_tells_sockets_to_reconnect(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    port = free_port()
    collector = OtlpReceiver()
    collector_port = await collector.start()
    env = {
        "APP_ENV": "test",
        "SECRET_KEY": settings.secret_key.get_secret_value(),
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url or "",
        "LOG_FORMAT": "json",
        "SHUTDOWN_DRAIN_SECONDS": str(DRAIN_SECONDS),
        "AUTH__ARGON2_TIME_COST": "1",
        "AUTH__ARGON2_MEMORY_KIB": "1024",
        # Traced, as configured in production: the spans must reach the collector before the exit.
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{collector_port}",
    }
    process = await asyncio.create_subprocess_exec(
        str(SANCTUM),
        *("serve", "--host", "127.0.0.1", "--port", str(port)),
        cwd=tmp_path,
        env=_environment(env),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=15.0) as http:
            await wait_until_up(http, process)
            user = await register_user(http)
            ticket = (await http.post("/api/ws/ticket", headers=bearer(user.access_token))).json()["ticket"]
            ws = await connect(f"ws://127.0.0.1:{port}/api/ws?ticket={ticket}", proxy=None, open_timeout=15)
            assert orjson.loads(await ws.recv())["type"] == "hello"
            # A request in flight: its headers and half its body are in when the signal arrives.
            name = unique_username()
            body = orjson.dumps({"username": name, "email": f"{name}@example.com", "password": user.password})
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            head = "POST /api/auth/register HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
            await writer.drain()
            await asyncio.sleep(0.2)

            process.send_signal(signal.SIGTERM)
            # Draining: not ready (so the balancer stops sending), yet still serving what arrives.
            ready = await http.get("/health/ready")
            async with asyncio.timeout(DRAIN_SECONDS):
                while ready.status_code == 200:
                    await asyncio.sleep(0.05)
                    ready = await http.get("/health/ready")
            assert ready.status_code == 503
            assert ready.json()["checks"]["accepting"] == {"status": "down", "error": "ShuttingDown"}
            assert (await http.get("/api/users/me", headers=bearer(user.access_token))).status_code == 200

            # Then every socket is told the service restarts (the client resumes elsewhere).
            async with asyncio.timeout(15):
                with contextlib.suppress(ConnectionClosed):
                    while True:
                        await ws.recv()
            assert ws.close_code == 1012
            # ...and the request in flight still completes.
            writer.write(body[10:])
            await writer.drain()
            async with asyncio.timeout(15):
                status_line = await reader.readline()
                response = await reader.read()
            writer.close()
            assert status_line.startswith(b"HTTP/1.1 201"), status_line + response
            assert name.encode() in response

        async with asyncio.timeout(30):
            _, stderr = await process.communicate()
        # uvicorn raises the signal again once it has shut down, so the process ends as signalled.
        assert process.returncode in (0, -signal.SIGTERM), stderr.decode()[-2000:]
        lines = [orjson.loads(line) for line in stderr.splitlines() if line.startswith(b"{")]
        events = [line.get("event") for line in lines]
        assert events.index("shutdown_started") < events.index("shutdown_draining_done")
        # The request in flight was traced: its log line names its trace, and the spans were exported.
        registers = [line for line in lines if line.get("route") == "/api/auth/register"]
        register = max(registers, key=lambda line: float(line["latency_ms"]))  # the one held open
        assert len(register["trace_id"]) == 32 and len(register["span_id"]) == 16
        exported = b"".join(body for path, kind, body in collector.posts if path == "/v1/traces")
        assert {kind for _, kind, _ in collector.posts} == {"application/x-protobuf"}
        assert b"POST /api/auth/register" in exported
        assert bytes.fromhex(register["trace_id"]) in exported
    finally:
        await collector.stop()
        if process.returncode is None:
            process.kill()
            await process.wait()
