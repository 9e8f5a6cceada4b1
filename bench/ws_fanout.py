"""Realtime fanout benchmark: M sockets on one topic, S senders, a fixed total rate R for T seconds.

    .venv/bin/python bench/ws_fanout.py --target sanctum,baseline --mode embedded,scaled \\
        --load 100:500,1000:50 --events ephemeral,persistent --duration 10 --runs 3
    .venv/bin/python bench/ws_fanout.py --search --subscribers 100 --target sanctum,baseline
    .venv/bin/python bench/ws_fanout.py --idle 10000 --target sanctum

What it measures, per load (`--load M:R`) and kind of event:

- M subscriber sockets of ceil(M/10) users (10 sockets each; the limit is 12 per user) subscribe to
  the `announcements` topic; S administrator sockets send `announce` messages at a total of R per
  second for T seconds (`persist: false` = ephemeral, `persist: true` = logged with a seq first);
- deliveries/s (announcement frames received by all subscribers over the time from the first send
  to the last frame), delivery ratio = received / (sent x M), and the sockets that got fewer or
  more frames than were sent; p50/p95/p99/max latency from the sender's `data.sent_at`
  (time.time(), the clock every local process shares) to the moment the subscriber read the frame;
- server CPU from /proc/<pid>/stat (utime + stime), as % of a core over the send window and as
  microseconds per delivery over the send window and the drain after it: the Sanctum process(es)
  alone and, in scaled mode, PostgreSQL and Redis as well; the server's peak RSS (VmHWM, reset
  after the sockets are open); the load generator's own CPU %, and the CPU that other work on the
  machine used meanwhile (neither ours nor the server's).

Targets (`--target`): `sanctum` started by `_servers.sanctum_server` (embedded: one process with
SQLite; scaled: two instances sharing a private PostgreSQL and Redis, subscribers split evenly over
both and the senders on the first, so half the deliveries cross Redis), and `baseline`:
bench/baseline_fanout_server.py, a bare `websockets` fanout server, under the identical load (no
users or tickets there). Every server process runs on core `--server-cpus` (0), the load generator
on `--client-cpus` (1). Each (target, mode) gets a fresh server; each load a fresh set of sockets,
a warm-up and `--runs` measured runs; the table shows the median of each column over the runs.

`--search` raises the rate step by step (x`--search-factor`, then bisects) at M=`--subscribers`
until p99 exceeds `--p99-ms` (50) or a message is missing, and reports the last passing rate.
`--idle N` opens N authenticated sockets (subscribed to `announcements`) on one instance, waits for
the server's RSS to settle and reports RSS before, after and per socket; then checks that all of
them still get an announcement and the server's heartbeat ping (and answer it).

The load generator is a minimal WebSocket client on asyncio.Protocol (uvloop when installed): it
counts announcement frames by their first bytes without decoding them and decodes one in
`--sample-every` (auto: at most ~20,000 per second, coprime with M) for the latency. If its own
CPU % gets close to 100, the latency it measures is its own queueing: the table flags that run.
`--procs` spreads the sockets over several generator processes (all on the client core).

Bounded: loopback only; every wait has a timeout; `--max-seconds` ends the whole benchmark;
every process it starts (servers, PostgreSQL, Redis, generator workers) is stopped on exit, error,
Ctrl-C or SIGTERM, and told by the kernel to die with it.

Setup only: users are created with cheap argon2 parameters (`AUTH__ARGON2_*`, see `--real-argon2`)
so that registering a thousand users for the idle test takes seconds; no password is hashed during
a measurement.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see below)
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py shadows the standard library's `http` package (imported by httpx and _servers)
# when this script's directory is first on sys.path: move it last.
_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import array
import asyncio
import atexit
import base64
import contextlib
import ctypes
import json
import math
import multiprocessing
import multiprocessing.connection
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from _servers import (
    CLOCK_TICK,
    LOOPBACK,
    SANCTUM,
    Proc,
    SetupError,
    another_instance,
    base_env,
    free_port,
    install_signal_handlers,
    process_cpu_seconds,
    sanctum_server,
    spawn,
    wait_until,
)

BASELINE_SERVER = Path(__file__).resolve().parent / "baseline_fanout_server.py"
TOPIC = "announcements"
PASSWORD = "Bench-pass-4096!"
SOCKETS_PER_USER = 10  # the server allows 12
TEXT = "benchmark announcement 0123456789abcdef"  # 40 characters
ANN = b'{"type":"announcement"'  # how every announcement frame starts, from either server
CONNECT_TIMEOUT = 20.0
SAMPLES_PER_SECOND = 20_000  # auto --sample-every keeps the decoded frames under this

# Cheap password hashing for the setup (registering and logging in up to a thousand users).
FAST_ARGON2 = {"AUTH__ARGON2_TIME_COST": "1", "AUTH__ARGON2_MEMORY_KIB": "8192", "AUTH__ARGON2_PARALLELISM": "1"}
# Senders publish far over the per-socket limit meant for browsers (20/s, burst 60).
SENDER_LIMITS = {"REALTIME__MESSAGES_PER_SECOND": "1000000", "REALTIME__MESSAGE_BURST": "1000000"}


class BenchError(RuntimeError):
    pass


# -- a minimal WebSocket client ---------------------------------------------------------------------


def client_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """One masked, unfragmented client frame (RFC 6455 5.3: clients mask with a random key)."""
    n = len(payload)
    if n < 126:
        header = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65_536:
        header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    key = os.urandom(4)
    if not n:
        return header + key
    mask = (key * (n // 4 + 1))[:n]
    return header + key + (int.from_bytes(payload, "big") ^ int.from_bytes(mask, "big")).to_bytes(n, "big")


class Counters:
    """What one generator process has seen since the last `arm`."""

    def __init__(self) -> None:
        self.received = 0  # announcement frames, all sockets
        self.every = 1  # decode one announcement in `every`
        self.left = 1
        self.samples = array.array("d")  # latencies in seconds
        self.last_recv = 0.0
        self.errors: Counter[str] = Counter()
        self.closes: Counter[int] = Counter()
        self.lost = 0  # connections lost without a close frame
        self.app_pings = 0
        self.proto_pings = 0

    def reset(self, every: int) -> None:
        self.received = 0
        self.every = self.left = every
        self.samples = array.array("d")
        self.last_recv = 0.0
        self.errors.clear()
        self.closes.clear()
        self.lost = 0
        self.app_pings = self.proto_pings = 0


class WsClient(asyncio.Protocol):
    """A client socket that counts announcement frames without decoding them."""

    match = ANN  # how the frames it counts start (bench/chat.py counts chat messages)

    def __init__(self, counters: Counters, host: str, port: int, path: str) -> None:
        key = base64.b64encode(os.urandom(16)).decode()
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        self.c = counters
        self.transport: asyncio.Transport | None = None
        self.buf = b""
        self.upgraded = False
        self.count = 0  # announcement frames since the last `arm`
        self.pings = 0  # pings of either kind (the gateway's {"type": "ping"} or protocol pings)
        self.closed = False
        self.closing = False
        self.close_code: int | None = None
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.acked: asyncio.Future[None] = loop.create_future()

    # asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not an asyncio.Transport subclass
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.close_code is None and not self.closing:
            self.c.lost += 1
        self._fail(ConnectionError(f"connection closed (code {self.close_code})"))

    def data_received(self, data: bytes) -> None:
        if self.buf:
            data = self.buf + data
            self.buf = b""
        if not self.upgraded:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self.buf = data
                return
            status = data[: data.find(b"\r\n")]
            if b" 101 " not in status + b" ":
                self._fail(ConnectionError(f"upgrade refused: {status.decode(errors='replace')}"))
                assert self.transport is not None
                self.transport.close()
                return
            self.upgraded = True
            if not self.opened.done():
                self.opened.set_result(None)
            data = data[end + 4 :]
        n = len(data)
        pos = 0
        got = 0
        c = self.c
        match = self.match
        while n - pos >= 2:
            length = data[pos + 1]
            if length < 126:
                start = pos + 2
            elif length == 126:
                if n - pos < 4:
                    break
                start = pos + 4
                length = (data[pos + 2] << 8) | data[pos + 3]
            else:  # 127 (server frames are never masked)
                if n - pos < 10:
                    break
                start = pos + 10
                length = int.from_bytes(data[pos + 2 : pos + 10], "big")
            end = start + length
            if end > n:
                break
            if data[pos] == 0x81 and data.startswith(match, start):
                got += 1
                c.left -= 1
                if not c.left:
                    c.left = c.every
                    self._sample(data[start:end])
            else:
                self._other(data[pos], data[start:end])
            pos = end
        if pos < n:
            self.buf = data[pos:]
        if got:
            self.count += got
            c.received += got
            c.last_recv = time.time()

    # helpers

    def _sample(self, payload: bytes) -> None:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            sent_at = orjson.loads(payload)["data"]["sent_at"]
            self.c.samples.append(time.time() - sent_at)

    def _other(self, head: int, payload: bytes) -> None:
        opcode = head & 0x0F
        if opcode == 0x9:  # protocol ping
            self.pings += 1
            self.c.proto_pings += 1
            self.write(client_frame(payload, 0xA))
        elif opcode == 0x8:  # close
            self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            self.c.closes[self.close_code] += 1
            if not self.closing:
                self.closing = True
                self.write(client_frame(payload[:2], 0x8))
            if self.transport is not None:
                self.transport.close()
            self._fail(
                ConnectionError(f"closed by the server: {self.close_code} {payload[2:].decode(errors='replace')}")
            )
        elif opcode == 0x1:
            try:
                msg = orjson.loads(payload)
            except orjson.JSONDecodeError:
                self.c.errors["undecodable frame"] += 1
                return
            kind = msg.get("type")
            if kind == "ping":
                self.pings += 1
                self.c.app_pings += 1
                self.send_json({"type": "pong"})
            elif kind == "subscribed":
                if not self.acked.done():
                    self.acked.set_result(None)
            elif kind == "error":
                code = str(msg.get("error", {}).get("code"))
                self.c.errors[code] += 1
                if not self.acked.done():
                    self.acked.set_exception(BenchError(f"subscribe refused: {code}"))
            elif kind == "announcement":  # a server that orders its keys differently
                self.count += 1
                self.c.received += 1
            # hello, pong and anything else need no answer

    def _fail(self, exc: Exception) -> None:
        for future in (self.opened, self.acked):
            if not future.done():
                future.set_exception(exc)
                future.exception()  # mark it retrieved: nobody may be waiting for it any more

    def write(self, frame: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame)

    def send_json(self, value: dict[str, Any]) -> None:
        self.write(client_frame(orjson.dumps(value)))

    def close(self) -> None:
        if not self.closed and not self.closing:
            self.closing = True
            self.write(client_frame((1000).to_bytes(2, "big"), 0x8))
        if self.transport is not None:
            self.transport.close()


async def wait_for_frames(counters: Counters, target: int, quiet: float, limit: float) -> None:
    """Until `target` frames were counted, or nothing arrived for `quiet` s, or `limit` s passed."""
    started = last_change = time.monotonic()
    seen = counters.received
    while counters.received < target:
        now = time.monotonic()
        if counters.received != seen:
            seen, last_change = counters.received, now
        if now - last_change > quiet or now - started > limit:
            break
        await asyncio.sleep(0.02)


async def open_socket(counters: Counters, host: str, port: int, ticket: str, *, subscribe: bool) -> WsClient:
    loop = asyncio.get_running_loop()
    path = f"/api/ws?ticket={ticket}"
    _, proto = await asyncio.wait_for(
        loop.create_connection(lambda: WsClient(counters, host, port, path), host, port), CONNECT_TIMEOUT
    )
    try:
        await asyncio.wait_for(asyncio.shield(proto.opened), CONNECT_TIMEOUT)
        if subscribe:
            proto.send_json({"type": "subscribe", "topic": TOPIC})
            await asyncio.wait_for(asyncio.shield(proto.acked), CONNECT_TIMEOUT)
    except BaseException:
        proto.close()
        raise
    return proto


# -- generator worker processes -------------------------------------------------------------------


@dataclass(frozen=True)
class SocketSpec:
    role: str  # "sub" or "send"
    host: str
    port: int
    token: str | None  # bearer token to get a ticket with; None for the baseline


class Worker:
    """Holds some of the sockets in one process; does what the orchestrator asks over a pipe."""

    def __init__(self, pipe: multiprocessing.connection.Connection, index: int) -> None:
        self.pipe = pipe
        self.index = index
        self.c = Counters()
        self.subs: list[WsClient] = []
        self.senders: list[WsClient] = []
        self.send_task: asyncio.Task[dict[str, Any]] | None = None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()

        def read_commands() -> None:  # a thread: add_reader would make the pipe non-blocking for our sends
            with contextlib.suppress(EOFError, OSError):
                while True:
                    command = self.pipe.recv()
                    loop.call_soon_threadsafe(queue.put_nowait, command)
                    if command[0] == "quit":
                        return

        threading.Thread(target=read_commands, name="commands", daemon=True).start()
        while True:
            command, kwargs = await queue.get()
            try:
                reply: tuple[str, Any] = ("ok", await getattr(self, f"cmd_{command}")(**kwargs))
            except Exception as exc:
                reply = ("error", f"{type(exc).__name__}: {exc}")
            self.pipe.send(reply)
            if command == "quit":
                return

    async def cmd_quit(self) -> None:
        await self.cmd_close_all()

    async def cmd_open(self, specs: list[SocketSpec], concurrency: int) -> dict[str, Any]:
        clients = {
            (spec.host, spec.port): httpx.AsyncClient(
                base_url=f"http://{spec.host}:{spec.port}",
                timeout=30,
                trust_env=False,
                limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            )
            for spec in {(s.host, s.port): s for s in specs if s.token is not None}.values()
        }
        semaphore = asyncio.Semaphore(concurrency)

        async def one(spec: SocketSpec) -> WsClient:
            async with semaphore:
                ticket = "baseline"
                if spec.token is not None:
                    ticket = await self._ticket(clients[spec.host, spec.port], spec.token)
                proto = await open_socket(self.c, spec.host, spec.port, ticket, subscribe=spec.role == "sub")
                (self.subs if spec.role == "sub" else self.senders).append(proto)
                return proto

        started = time.monotonic()
        try:
            results = await asyncio.gather(*(one(spec) for spec in specs), return_exceptions=True)
        finally:
            for client in clients.values():
                await client.aclose()
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise BenchError(f"{len(failures)} of {len(specs)} sockets failed to open, e.g. {failures[0]!r}")
        return {"opened": len(specs), "seconds": time.monotonic() - started}

    @staticmethod
    async def _ticket(client: httpx.AsyncClient, token: str) -> str:
        for attempt in range(3):
            try:
                response = await client.post("/api/ws/ticket", headers={"Authorization": f"Bearer {token}"})
                break
            except httpx.TransportError:  # e.g. a keep-alive connection the server closed just then
                if attempt == 2:
                    raise
        if response.status_code != 200:
            raise BenchError(f"POST /api/ws/ticket: {response.status_code} {response.text[:200]}")
        return str(response.json()["ticket"])

    async def cmd_close_all(self) -> dict[str, Any]:
        everything = self.subs + self.senders
        for proto in everything:
            proto.close()
        deadline = time.monotonic() + 10
        while any(not p.closed for p in everything) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        self.subs, self.senders = [], []
        return {"closed": len(everything)}

    async def cmd_status(self) -> dict[str, Any]:
        return {"subs": len(self.subs), "open": sum(not p.closed for p in self.subs + self.senders)}

    async def cmd_quiesce(self, quiet: float, limit: float) -> float:
        """Wait until no announcement arrived for `quiet` seconds (leftovers of an earlier step)."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            before = self.c.received
            await asyncio.sleep(quiet)
            if self.c.received == before:
                break
        return time.monotonic() - started

    async def cmd_arm(self, every: int, start_at: float, rate: float, duration: float, persist: bool) -> None:
        for proto in self.subs:
            proto.count = 0
        self.c.reset(every)
        self.send_task = None
        if self.senders and rate > 0:
            self.send_task = asyncio.create_task(self._send(start_at, rate, duration, persist))

    async def _send(self, start_at: float, rate: float, duration: float, persist: bool) -> dict[str, Any]:
        """Send round(rate x duration) announcements over the senders, each at its due time or as soon after."""
        total = max(1, round(rate * duration))
        head = b'{"type":"announce","topic":"' + TOPIC.encode() + b'","persist":' + (b"true" if persist else b"false")
        head += b',"data":{"text":"' + TEXT.encode() + b'","sent_at":'
        senders = self.senders
        await asyncio.sleep(max(0.0, start_at - time.time()))
        sent = 0
        worst_lag = 0.0
        while sent < total:
            now = time.time()
            due = min(total, int((now - start_at) * rate) + 1)
            if due > sent:
                worst_lag = max(worst_lag, now - (start_at + sent / rate))
            while sent < due:
                payload = head + repr(time.time()).encode() + b"}}"
                senders[sent % len(senders)].write(client_frame(payload))
                sent += 1
            delay = start_at + sent / rate - time.time()
            await asyncio.sleep(delay if delay > 0 else 0)
        return {"sent": sent, "start": start_at, "end": time.time(), "worst_lag": worst_lag}

    async def cmd_wait_sent(self, limit: float) -> dict[str, Any]:
        if self.send_task is None:
            raise BenchError("this worker has no senders")
        return await asyncio.wait_for(self.send_task, limit)

    async def cmd_drain(self, expected: int, quiet: float, limit: float) -> dict[str, Any]:
        """Wait until every subscriber has `expected` frames, or nothing arrives for `quiet` s, or `limit`."""
        await wait_for_frames(self.c, expected * len(self.subs), quiet, limit)
        counts = [p.count for p in self.subs]
        return {
            "received": self.c.received,
            "subs": len(self.subs),
            "short": sum(n < expected for n in counts),
            "extra": sum(n > expected for n in counts),
            "open": sum(not p.closed for p in self.subs),
            "samples": self.c.samples.tobytes(),
            "last_recv": self.c.last_recv,
            "closes": dict(self.c.closes),
            "errors": dict(self.c.errors),
            "lost": self.c.lost,
        }

    async def cmd_announce_once(self, persist: bool) -> float:
        sent_at = time.time()
        value = {"type": "announce", "topic": TOPIC, "persist": persist, "data": {"text": TEXT, "sent_at": sent_at}}
        self.senders[0].send_json(value)
        return sent_at

    async def cmd_wait_pings(self, limit: float) -> dict[str, Any]:
        """Wait until every subscriber got a ping (and answered it), up to `limit` seconds."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if all(p.pings or p.closed for p in self.subs):
                break
            await asyncio.sleep(0.5)
        return {
            "pinged": sum(p.pings > 0 for p in self.subs),
            "open": sum(not p.closed for p in self.subs),
            "app_pings": self.c.app_pings,
            "proto_pings": self.c.proto_pings,
            "seconds": time.monotonic() - started,
        }


_libc = ctypes.CDLL(None, use_errno=True)


def worker_main(pipe: multiprocessing.connection.Connection, index: int, cpus: set[int] | None) -> None:
    _libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: die with the orchestrator
    # The orchestrator handles Ctrl-C and SIGTERM (sent to the whole group by e.g. `timeout`) and stops us;
    # if it dies, the kernel kills us (PR_SET_PDEATHSIG).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if cpus:
        os.sched_setaffinity(0, cpus)
    worker = Worker(pipe, index)
    try:
        import uvloop

        uvloop.run(worker.run())
    except ImportError:
        asyncio.run(worker.run())


class Pool:
    """The generator processes, forked before anything else, pinned to the client cores."""

    def __init__(self, count: int, cpus: set[int] | None) -> None:
        context = multiprocessing.get_context("fork")
        self.pipes: list[multiprocessing.connection.Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []
        for index in range(count):
            parent, child = context.Pipe()
            process = context.Process(target=worker_main, args=(child, index, cpus), daemon=True)
            process.start()
            child.close()
            self.pipes.append(parent)
            self.processes.append(process)

    def __len__(self) -> int:
        return len(self.pipes)

    def send(self, index: int, command: str, **kwargs: Any) -> None:
        self.pipes[index].send((command, kwargs))

    def receive(self, index: int, timeout: float, what: str) -> Any:
        pipe = self.pipes[index]
        if not pipe.poll(timeout):
            raise BenchError(f"generator worker {index} did not finish `{what}` within {timeout:.0f} s")
        status, value = pipe.recv()
        if status != "ok":
            raise BenchError(f"generator worker {index}, `{what}`: {value}")
        return value

    def call(self, index: int, command: str, timeout: float, **kwargs: Any) -> Any:
        self.send(index, command, **kwargs)
        return self.receive(index, timeout, command)

    def call_all(
        self, command: str, timeout: float, per_worker: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> list[Any]:
        for index in range(len(self)):
            self.send(index, command, **(kwargs | (per_worker[index] if per_worker else {})))
        return [self.receive(index, timeout, command) for index in range(len(self))]

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in self.processes:
            if process.pid is not None:
                with contextlib.suppress(OSError):
                    total += process_cpu_seconds(process.pid, tree=False)
        return total

    def stop(self) -> None:
        for index, pipe in enumerate(self.pipes):
            with contextlib.suppress(Exception):
                if self.processes[index].is_alive():
                    pipe.send(("quit", {}))
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
        self.pipes, self.processes = [], []


# -- targets ----------------------------------------------------------------------------------------


@dataclass
class Target:
    name: str  # "sanctum" or "baseline"
    mode: str  # "embedded", "scaled" or "-" (baseline)
    endpoints: list[tuple[str, int]]  # the instances; senders connect to the first
    servers: list[Proc]  # the Sanctum instances or the baseline process
    services: list[Proc] = field(default_factory=list)  # PostgreSQL and Redis in scaled mode
    sub_tokens: list[str] | None = None  # one bearer token per subscriber user
    sender_tokens: list[str] | None = None  # one per administrator

    @property
    def label(self) -> str:
        return "baseline" if self.name == "baseline" else f"sanctum {self.mode}"

    def server_cpu(self) -> tuple[float, float]:
        """(user, system) CPU seconds of the server process(es)."""
        user = system = 0.0
        for proc in self.servers:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            user += int(fields[11]) * CLOCK_TICK  # utime, field 14 of proc(5)
            system += int(fields[12]) * CLOCK_TICK  # stime
        return user, system

    def services_cpu(self) -> float:
        return sum(p.cpu_seconds() for p in self.services)


def _tcp_open(port: int) -> bool:
    with socket.create_connection((LOOPBACK, port), timeout=1.0):
        return True


@contextlib.contextmanager
def baseline_target(args: argparse.Namespace) -> Iterator[Target]:
    with tempfile.TemporaryDirectory(prefix="sanctum-bench-baseline-") as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        port = free_port()
        argv = [sys.executable, str(BASELINE_SERVER), "--port", str(port), "--loop", args.baseline_loop]
        proc = spawn(
            "baseline",
            argv,
            log_path=workdir / "baseline.log",
            env=base_env(workdir),
            cwd=workdir,
            cpus=args.server_cpus,
        )
        stack.callback(proc.stop)
        wait_until(lambda: _tcp_open(port), what="a listening socket", proc=proc, timeout=30)
        yield Target("baseline", "-", [(LOOPBACK, port)], [proc])


async def _register_users(base_url: str, count: int, prefix: str, concurrency: int = 8) -> list[str]:
    """Register `count` users and log each in; their access tokens."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60, trust_env=False) as client:
        semaphore = asyncio.Semaphore(concurrency)

        async def one(i: int) -> str:
            name = f"{prefix}{i:05d}"
            async with semaphore:
                body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
                response = await client.post("/api/auth/register", json=body)
                if response.status_code != 201:
                    raise BenchError(f"register {name}: {response.status_code} {response.text[:200]}")
                return await _login(client, name)

        return list(await asyncio.gather(*(one(i) for i in range(count))))


async def _login(client: httpx.AsyncClient, name: str) -> str:
    response = await client.post("/api/auth/login", json={"login": name, "password": PASSWORD})
    if response.status_code != 200:
        raise BenchError(f"login {name}: {response.status_code} {response.text[:200]}")
    return str(response.json()["access_token"])


async def _login_all(base_url: str, names: list[str]) -> list[str]:
    async with httpx.AsyncClient(base_url=base_url, timeout=60, trust_env=False) as client:
        return [await _login(client, name) for name in names]


@contextlib.contextmanager
def sanctum_target(mode: str, args: argparse.Namespace, users: int, admins: int) -> Iterator[Target]:
    extra_env = dict(SENDER_LIMITS)
    if not args.real_argon2:
        extra_env |= FAST_ARGON2
    with sanctum_server(mode, cpus=args.server_cpus, extra_env=extra_env) as server, contextlib.ExitStack() as stack:  # type: ignore[arg-type]
        servers = [server.process]
        endpoints = [(LOOPBACK, server.port)]
        if mode == "scaled":
            # A second instance on the same PostgreSQL and Redis, with the same secret key.
            proc, port = another_instance(stack, server, args.server_cpus)
            servers.append(proc)
            endpoints.append((LOOPBACK, port))
        names = [f"bench_admin_{i}" for i in range(admins)]
        for name in names:
            argv = [str(SANCTUM), "create-admin", "--username", name, "--email", f"{name}@example.com"]
            done = subprocess.run(
                [*argv, "--password", PASSWORD],
                env=server.env,
                cwd=server.workdir,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if done.returncode != 0:
                raise SetupError(f"sanctum create-admin failed: {done.stdout}{done.stderr}")
        started = time.monotonic()
        sender_tokens = asyncio.run(_login_all(server.base_url, names))
        sub_tokens = asyncio.run(_register_users(server.base_url, users, "bench_"))
        log(f"  {users} users registered and logged in in {time.monotonic() - started:.1f} s")
        yield Target(
            "sanctum",
            mode,
            endpoints,
            servers,
            list(server.services),
            sub_tokens=sub_tokens,
            sender_tokens=sender_tokens,
        )


# -- measuring --------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _machine_busy_seconds() -> float:
    """CPU seconds (user + nice + system + irq + softirq) used on the whole machine so far."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, irq, softirq = (int(fields[i]) for i in (0, 1, 2, 5, 6))
    return (user + nice + system + irq + softirq) * CLOCK_TICK


@dataclass
class Snapshot:
    wall: float
    server: float
    server_sys: float
    services: float
    generator: float
    machine: float

    @staticmethod
    def take(target: Target, pool: Pool) -> Snapshot:
        user, system = target.server_cpu()
        return Snapshot(
            time.time(),
            user + system,
            system,
            target.services_cpu(),
            pool.cpu_seconds() + time.process_time(),
            _machine_busy_seconds(),
        )


@dataclass
class Run:
    rate: float
    duration: float
    sent: int
    expected: int  # sent x subscribers
    received: int
    ratio: float
    deliveries_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float  # of the sampled frames
    samples: int
    server_cpu_pct: float  # the Sanctum instance(s) or the baseline, % of one core over the send window
    services_cpu_pct: float  # PostgreSQL + Redis
    server_us_per_delivery: float  # server CPU over send window + drain / deliveries
    server_sys_us_per_delivery: float  # the kernel's part of it (system time: sockets, TCP over loopback)
    total_us_per_delivery: float  # the same with PostgreSQL and Redis
    generator_cpu_pct: float
    other_cpu_pct: float  # CPU used on the machine by anything but the server, services and generator
    short_sockets: int  # subscribers that got fewer frames than were sent
    extra_sockets: int  # ... or more
    closed_sockets: int
    send_lag_ms: float  # how late the generator sent its latest message
    closes: dict[str, int]
    errors: dict[str, int]

    @property
    def complete(self) -> bool:
        return self.received == self.expected and not self.short_sockets and not self.extra_sockets

    @property
    def generator_bound(self) -> bool:
        return self.generator_cpu_pct >= 90


def _percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def sample_every(args: argparse.Namespace, subscribers: int, rate: float) -> int:
    if args.sample_every:
        return int(args.sample_every)
    every = max(1, math.ceil(rate * subscribers / SAMPLES_PER_SECOND))
    while every > 1 and math.gcd(every, subscribers) != 1:  # not always the same sockets of a fanout
        every += 1
    return every


def step(
    pool: Pool, target: Target, args: argparse.Namespace, subscribers: int, rate: float, duration: float, persist: bool
) -> Run:
    """One measured period: send at `rate` for `duration` s, wait for the deliveries, read the counters."""
    pool.call_all("quiesce", timeout=60, quiet=0.5, limit=30)
    wait_for_quiet_cpu(target, pool, args)
    start_at = time.time() + 0.3
    every = sample_every(args, subscribers, rate)
    pool.call_all("arm", timeout=10, every=every, start_at=start_at, rate=rate, duration=duration, persist=persist)
    time.sleep(max(0.0, start_at - time.time()))
    before = Snapshot.take(target, pool)
    sent = pool.call(0, "wait_sent", timeout=duration * 3 + 60, limit=duration * 3 + 30)
    at_send_end = Snapshot.take(target, pool)
    drained = pool.call_all("drain", timeout=120, expected=sent["sent"], quiet=args.drain_quiet, limit=60)
    after = Snapshot.take(target, pool)

    received = sum(d["received"] for d in drained)
    subs = sum(d["subs"] for d in drained)
    expected = sent["sent"] * subs
    latencies: list[float] = []
    for d in drained:
        samples = array.array("d")
        samples.frombytes(d["samples"])
        latencies.extend(samples)
    latencies.sort()
    last = max([d["last_recv"] for d in drained] + [sent["end"]])
    window = at_send_end.wall - before.wall
    closes: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for d in drained:
        closes.update({str(k): v for k, v in d["closes"].items()})
        errors.update(d["errors"])
        if d["lost"]:
            closes["lost without close"] += d["lost"]

    def pct(a: float, b: float) -> float:
        return (b - a) / window * 100

    server_cpu = after.server - before.server
    services_cpu = after.services - before.services
    ours = (at_send_end.server - before.server) + (at_send_end.services - before.services)
    ours += at_send_end.generator - before.generator
    return Run(
        rate=rate,
        duration=duration,
        sent=sent["sent"],
        expected=expected,
        received=received,
        ratio=received / expected if expected else math.nan,
        deliveries_per_s=received / max(duration, last - start_at),
        p50_ms=_percentile(latencies, 0.50) * 1000,
        p95_ms=_percentile(latencies, 0.95) * 1000,
        p99_ms=_percentile(latencies, 0.99) * 1000,
        max_ms=(latencies[-1] * 1000) if latencies else math.nan,
        samples=len(latencies),
        server_cpu_pct=pct(before.server, at_send_end.server),
        services_cpu_pct=pct(before.services, at_send_end.services),
        server_us_per_delivery=server_cpu / received * 1e6 if received else math.nan,
        server_sys_us_per_delivery=(after.server_sys - before.server_sys) / received * 1e6 if received else math.nan,
        total_us_per_delivery=(server_cpu + services_cpu) / received * 1e6 if received else math.nan,
        generator_cpu_pct=pct(before.generator, at_send_end.generator),
        other_cpu_pct=max(0.0, ((at_send_end.machine - before.machine) - ours) / window * 100),
        short_sockets=sum(d["short"] for d in drained),
        extra_sockets=sum(d["extra"] for d in drained),
        closed_sockets=sum(d["subs"] - d["open"] for d in drained),
        send_lag_ms=sent["worst_lag"] * 1000,
        closes=dict(closes),
        errors=dict(errors),
    )


def socket_specs(target: Target, subscribers: int, senders: int, workers: int) -> list[list[SocketSpec]]:
    """Subscribers round-robin over the instances and the workers; senders on instance A, worker 0."""
    per_worker: list[list[SocketSpec]] = [[] for _ in range(workers)]
    for i in range(senders):
        host, port = target.endpoints[0]
        token = target.sender_tokens[i // SOCKETS_PER_USER] if target.sender_tokens else None
        per_worker[0].append(SocketSpec("send", host, port, token))
    for i in range(subscribers):
        host, port = target.endpoints[i % len(target.endpoints)]
        token = target.sub_tokens[i // SOCKETS_PER_USER] if target.sub_tokens else None
        per_worker[i % workers].append(SocketSpec("sub", host, port, token))
    return per_worker


def open_sockets(pool: Pool, target: Target, subscribers: int, senders: int, concurrency: int = 32) -> float:
    started = time.monotonic()
    specs = socket_specs(target, subscribers, senders, len(pool))
    timeout = 120 + subscribers / 20
    pool.call_all("open", timeout=timeout, per_worker=[{"specs": s} for s in specs], concurrency=concurrency)
    return time.monotonic() - started


def close_sockets(pool: Pool) -> None:
    try:
        pool.call_all("close_all", timeout=30)
    except (BenchError, EOFError, OSError) as exc:  # on the way out after another error: keep that one
        log(f"  could not close the sockets: {exc}")
    time.sleep(1.0)  # let the server finish its cleanup (connection counts per user)


def all_open(pool: Pool, subscribers: int, senders: int) -> bool:
    return sum(s["open"] for s in pool.call_all("status", timeout=10)) == subscribers + senders


WATCHED_COUNTERS = (
    "realtime_gap_fills_total",  # events read back from the log because one arrived out of order
    "ws_backpressure_drops_total",  # frames not sent (queue full, slow consumer, closed)
    "broker_events_total",
)


def server_counters(target: Target) -> dict[str, float]:
    """The WATCHED_COUNTERS of every Sanctum instance, summed, from /metrics (nothing for the baseline)."""
    if target.name != "sanctum":
        return {}
    totals: dict[str, float] = {}
    for host, port in target.endpoints:
        with httpx.Client(base_url=f"http://{host}:{port}", timeout=10, trust_env=False) as client:
            text = client.get("/metrics").text
        for line in text.splitlines():
            if line.startswith(WATCHED_COUNTERS):
                name, _, value = line.rpartition(" ")
                with contextlib.suppress(ValueError):
                    totals[name] = totals.get(name, 0.0) + float(value)
    return totals


@dataclass
class Result:
    target: str
    events: str
    subscribers: int
    rate: float
    runs: list[Run]
    peak_rss_mib: list[float]  # per server process
    open_seconds: float
    loadavg_before: float
    server_metrics: dict[str, float] = field(default_factory=dict)  # counters that moved during the load

    def median(self, name: str) -> float:
        values = [getattr(r, name) for r in self.runs]
        values = [v for v in values if not (isinstance(v, float) and math.isnan(v))]
        return statistics.median(values) if values else math.nan


def bench_load(
    pool: Pool, target: Target, args: argparse.Namespace, subscribers: int, rate: float, persist: bool
) -> Result:
    events = "persistent" if persist else "ephemeral"
    log(f"{target.label}, {events}, M={subscribers}, {rate:g} msg/s: opening {subscribers} + {args.senders} sockets")
    load = loadavg()
    opened = open_sockets(pool, target, subscribers, args.senders)
    try:
        counters_before = server_counters(target)
        for proc in target.servers:
            proc.reset_peak_rss()
        if args.warmup > 0:
            step(pool, target, args, subscribers, rate, args.warmup, persist)
        runs: list[Run] = []
        for i in range(args.runs):
            if not all_open(pool, subscribers, args.senders):
                log("  some sockets were closed: opening them again")
                close_sockets(pool)
                open_sockets(pool, target, subscribers, args.senders)
            run = step(pool, target, args, subscribers, rate, args.duration, persist)
            for _ in range(args.retries):
                if run.other_cpu_pct <= args.max_other:
                    break
                log(
                    f"  run {i + 1} disturbed (other work took {run.other_cpu_pct:.0f}% of a core): again; "
                    + describe(run)
                )
                again = step(pool, target, args, subscribers, rate, args.duration, persist)
                run = min(run, again, key=lambda r: r.other_cpu_pct)
            runs.append(run)
            log(f"  run {i + 1}: {describe(run)}")
        peaks = [p.peak_rss_bytes() / 2**20 for p in target.servers]
        moved = {k: v - counters_before.get(k, 0.0) for k, v in server_counters(target).items()}
        moved = {k: v for k, v in moved.items() if v}
        if moved:
            log("  server counters: " + ", ".join(f"{k} +{v:g}" for k, v in sorted(moved.items())))
    finally:
        close_sockets(pool)
    return Result(target.label, events, subscribers, rate, runs, peaks, opened, load, moved)


def describe(run: Run) -> str:
    flags = []
    if not run.complete:
        flags.append(f"INCOMPLETE ({run.short_sockets} short, {run.extra_sockets} extra, closes {run.closes})")
    if run.generator_bound:
        flags.append("GENERATOR-BOUND")
    if run.errors:
        flags.append(f"errors {run.errors}")
    return (
        f"{run.deliveries_per_s:,.0f} deliveries/s, ratio {run.ratio:.4f}, p50 {run.p50_ms:.1f} p95 {run.p95_ms:.1f} "
        f"p99 {run.p99_ms:.1f} max {run.max_ms:.1f} ms, server {run.server_cpu_pct:.0f}% "
        f"(+{run.services_cpu_pct:.0f}% services), {run.server_us_per_delivery:.1f} us/delivery "
        f"({run.server_sys_us_per_delivery:.1f} sys), "
        f"generator {run.generator_cpu_pct:.0f}%, other {run.other_cpu_pct:.0f}% {' '.join(flags)}"
    )


# -- search -----------------------------------------------------------------------------------------


@dataclass
class Search:
    target: str
    events: str
    subscribers: int
    passed: Run | None
    failed: Run | None
    why: str
    steps: list[Run]
    peak_rss_mib: list[float]


def passes(run: Run, args: argparse.Namespace) -> tuple[bool, str]:
    if not run.complete:
        return False, f"delivery {run.ratio:.4f} ({run.short_sockets} sockets short)"
    if not run.p99_ms < args.p99_ms:
        return False, f"p99 {run.p99_ms:.1f} ms"
    return True, ""


def search(pool: Pool, target: Target, args: argparse.Namespace, persist: bool) -> Search:
    m = args.subscribers
    events = "persistent" if persist else "ephemeral"
    log(f"{target.label}, {events}, M={m}: searching for the highest rate with p99 < {args.p99_ms:g} ms")
    open_sockets(pool, target, m, args.senders)
    steps: list[Run] = []
    passed: Run | None = None
    failed: Run | None = None
    why = f"reached --search-max {args.search_max:g} msg/s"

    def attempt(rate: float) -> tuple[bool, str]:
        """One step at `rate`. A failure is tried once more, so one noisy moment does not end the search, and
        a failure while other work took more than --max-other % of a core does not count (three times at most)."""
        failures = disturbed = 0
        while True:
            if not all_open(pool, m, args.senders):
                close_sockets(pool)
                open_sockets(pool, target, m, args.senders)
            run = step(pool, target, args, m, rate, args.search_duration, persist)
            steps.append(run)
            ok, reason = passes(run, args)
            if ok:
                log(f"  {rate:,.0f} msg/s: pass; {describe(run)}")
                return True, ""
            if run.other_cpu_pct > args.max_other and disturbed < 3:
                disturbed += 1
                log(f"  {rate:,.0f} msg/s: FAIL: {reason}, but other work was busy: again; {describe(run)}")
                continue
            failures += 1
            log(f"  {rate:,.0f} msg/s: FAIL: {reason}{'' if failures > 1 else ' (once more)'}; {describe(run)}")
            if failures > 1:
                return False, reason

    try:
        for proc in target.servers:
            proc.reset_peak_rss()
        step(pool, target, args, m, args.search_start, min(2.0, args.search_duration), persist)  # warm-up
        rate = args.search_start
        while True:
            ok, reason = attempt(rate)
            if not ok:
                failed, why = steps[-1], reason
                break
            passed = steps[-1]
            if rate >= args.search_max:
                break
            rate = min(args.search_max, rate * args.search_factor)
        if passed is not None and failed is not None:
            low, high = passed.rate, failed.rate
            for _ in range(args.search_bisect):
                mid = round((low + high) / 2)
                if mid <= low or mid >= high:
                    break
                ok, reason = attempt(mid)
                if ok:
                    low, passed = mid, steps[-1]
                else:
                    high, failed, why = mid, steps[-1], reason
        peaks = [p.peak_rss_bytes() / 2**20 for p in target.servers]
    finally:
        close_sockets(pool)
    return Search(target.label, events, m, passed, failed, why, steps, peaks)


# -- idle sockets -----------------------------------------------------------------------------------


@dataclass
class Idle:
    target: str
    sockets: int
    rss_before_mib: float
    rss_after_mib: float
    rss_per_socket_kib: float
    peak_rss_mib: float
    open_seconds: float
    delivered: int  # subscribers that got the announcement sent after they settled
    pinged: int  # subscribers that got a heartbeat ping (and answered it)
    open_at_end: int
    app_pings: int
    proto_pings: int


def wait_rss_stable(proc: Proc, *, settle: float, limit: float) -> int:
    """Wait `settle` s, then until RSS moves less than 0.5% over 2 s (at most `limit` s); return it."""
    time.sleep(settle)
    deadline = time.monotonic() + limit
    rss = proc.rss_bytes()
    while time.monotonic() < deadline:
        time.sleep(2)
        now = proc.rss_bytes()
        if abs(now - rss) <= rss * 0.005:
            return now
        rss = now
    return proc.rss_bytes()


def bench_idle(pool: Pool, target: Target, args: argparse.Namespace) -> Idle:
    n = args.idle
    server = target.servers[0]
    log(f"{target.label}: {n} idle sockets")
    if target.sub_tokens:  # warm up the ticket endpoint, so its first-use allocations are in "before"
        host, port = target.endpoints[0]
        with httpx.Client(base_url=f"http://{host}:{port}", timeout=30, trust_env=False) as client:
            for i in range(200):
                token = target.sub_tokens[i % len(target.sub_tokens)]
                client.post("/api/ws/ticket", headers={"Authorization": f"Bearer {token}"}).raise_for_status()
    before = wait_rss_stable(server, settle=2, limit=20)
    server.reset_peak_rss()
    opened = open_sockets(pool, target, n, 1, concurrency=64)
    log(f"  {n} sockets open and subscribed in {opened:.1f} s; waiting for the server's RSS to settle")
    try:
        after = wait_rss_stable(server, settle=5, limit=60)
        peak = server.peak_rss_bytes()
        # Still alive: one announcement reaches every socket ...
        pool.call_all("arm", timeout=10, every=1, start_at=0.0, rate=0.0, duration=0.0, persist=False)
        pool.call(0, "announce_once", timeout=10, persist=False)
        drained = pool.call_all("drain", timeout=120, expected=1, quiet=5.0, limit=60)
        delivered = sum(d["subs"] - d["short"] for d in drained)
        # ... and every socket gets the server's heartbeat (and answers it, or it would be closed).
        pings = pool.call_all("wait_pings", timeout=args.idle_ping_wait + 30, limit=args.idle_ping_wait)
        time.sleep(2)
        status = pool.call_all("status", timeout=10)
    finally:
        close_sockets(pool)
    return Idle(
        target=target.label,
        sockets=n,
        rss_before_mib=before / 2**20,
        rss_after_mib=after / 2**20,
        rss_per_socket_kib=(after - before) / n / 1024,
        peak_rss_mib=peak / 2**20,
        open_seconds=opened,
        delivered=delivered,
        pinged=sum(p["pinged"] for p in pings),
        open_at_end=sum(s["open"] for s in status) - 1,  # not the sender
        app_pings=sum(p["app_pings"] for p in pings),
        proto_pings=sum(p["proto_pings"] for p in pings),
    )


# -- machine ----------------------------------------------------------------------------------------


def wait_for_quiet_cpu(target: Target, pool: Pool, args: argparse.Namespace) -> float:
    """With our load idle, wait (up to `--other-wait` s) until other work uses at most `--max-other` % of a core.

    Other test suites on the machine take the server's core for tens of milliseconds at a time; a step
    measured meanwhile shows their latency, not ours. Returns the last reading.
    """
    deadline = time.monotonic() + args.other_wait
    while True:
        before = Snapshot.take(target, pool)
        time.sleep(1.0)
        after = Snapshot.take(target, pool)
        ours = (
            (after.server - before.server) + (after.services - before.services) + (after.generator - before.generator)
        )
        other = max(0.0, (after.machine - before.machine) - ours) / (after.wall - before.wall) * 100
        if other <= args.max_other or time.monotonic() > deadline:
            return other
        log(f"  other work uses {other:.0f}% of a core: waiting")
        time.sleep(4.0)


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_for_quiet_machine(args: argparse.Namespace) -> float:
    """Wait (60 s at a time, `--load-retries` times) for the 1-minute load average to drop to `--max-load`."""
    load = loadavg()
    for _ in range(args.load_retries):
        if load <= args.max_load:
            break
        log(f"  load average {load:.2f} > {args.max_load:g}: waiting 60 s for other work")
        time.sleep(60)
        load = loadavg()
    if load > args.max_load:
        log(f"  measuring anyway at load average {load:.2f}")
    return load


def _output(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return ""


def machine_info() -> dict[str, Any]:
    model = next(
        (line.split(":", 1)[1].strip() for line in _output(["lscpu"]).splitlines() if "Model name" in line), ""
    )
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem_kib / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "loadavg_at_start": loadavg(),
    }


# -- report -----------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def _rss(values: list[float]) -> str:
    return " / ".join(f"{v:.0f}" for v in values)


def result_table(results: list[Result]) -> str:
    head = (
        "| target | events | M | msg/s | deliveries/s | delivered | p50 ms | p95 ms | p99 ms | max ms "
        "| server CPU % | µs/delivery (sys) | +PG/Redis CPU % | µs/delivery incl. PG/Redis | peak RSS MiB "
        "| generator CPU % | other CPU % |"
    )
    lines = [head, "|" + " --- |" * head.count(" | ") + " --- |"]
    for r in results:
        complete = sum(run.complete for run in r.runs)
        delivered = f"{r.median('ratio') * 100:.2f}%" + (
            "" if complete == len(r.runs) else f" ({complete}/{len(r.runs)} complete)"
        )
        flags = " (generator-bound)" if sum(run.generator_bound for run in r.runs) * 2 > len(r.runs) else ""
        services = r.median("services_cpu_pct")
        lines.append(
            f"| {r.target} | {r.events} | {r.subscribers} | {r.rate:g} | {r.median('deliveries_per_s'):,.0f} "
            f"| {delivered} | {_ms(r.median('p50_ms'))} | {_ms(r.median('p95_ms'))} | {_ms(r.median('p99_ms'))} "
            f"| {_ms(r.median('max_ms'))} | {r.median('server_cpu_pct'):.0f} "
            f"| {r.median('server_us_per_delivery'):.1f} ({r.median('server_sys_us_per_delivery'):.1f}) "
            f"| {services:.0f} | {r.median('total_us_per_delivery'):.1f} | {_rss(r.peak_rss_mib)} "
            f"| {r.median('generator_cpu_pct'):.0f}{flags} | {r.median('other_cpu_pct'):.0f} |"
        )
    return "\n".join(lines)


def search_table(searches: list[Search], args: argparse.Namespace) -> str:
    head = (
        "| target | events | M | highest passing msg/s | deliveries/s | p99 ms | server CPU % | µs/delivery (sys) "
        "| generator CPU % | first failing msg/s (why) |"
    )
    lines = [head, "|" + " --- |" * head.count(" | ") + " --- |"]
    for s in searches:
        p, f = s.passed, s.failed
        failing = f"{f.rate:,.0f} ({s.why})" if f else s.why
        if p is None:
            lines.append(f"| {s.target} | {s.events} | {s.subscribers} | none | - | - | - | - | - | {failing} |")
            continue
        gen = f"{p.generator_cpu_pct:.0f}" + (" (generator-bound)" if p.generator_bound else "")
        lines.append(
            f"| {s.target} | {s.events} | {s.subscribers} | {p.rate:,.0f} | {p.deliveries_per_s:,.0f} | {p.p99_ms:.1f} "
            f"| {p.server_cpu_pct:.0f} | {p.server_us_per_delivery:.1f} ({p.server_sys_us_per_delivery:.1f}) "
            f"| {gen} | {failing} |"
        )
    return "\n".join(lines)


def idle_table(idles: list[Idle]) -> str:
    head = (
        "| target | sockets | RSS before MiB | RSS after MiB | per socket KiB | peak RSS MiB | open s "
        "| got an announcement | got a ping (app / protocol pings) | open at end |"
    )
    lines = [head, "|" + " --- |" * head.count(" | ") + " --- |"]
    for i in idles:
        lines.append(
            f"| {i.target} | {i.sockets:,} | {i.rss_before_mib:.0f} | {i.rss_after_mib:.0f} "
            f"| {i.rss_per_socket_kib:.1f} "
            f"| {i.peak_rss_mib:.0f} | {i.open_seconds:.0f} | {i.delivered:,} "
            f"| {i.pinged:,} ({i.app_pings:,} / {i.proto_pings:,}) | {i.open_at_end:,} |"
        )
    return "\n".join(lines)


# -- main -------------------------------------------------------------------------------------------


def _cpu_set(text: str) -> set[int]:
    cpus: set[int] = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        cpus.update(range(int(low), int(high or low) + 1))
    return cpus


def _loads(text: str) -> list[tuple[int, float]]:
    loads = []
    for item in text.split(","):
        m, _, r = item.partition(":")
        loads.append((int(m), float(r)))
    return loads


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--target", default="sanctum,baseline", help="comma list of sanctum, baseline (default: both)")
    p.add_argument("--mode", default="embedded", help="Sanctum's mode(s): embedded, scaled or both (comma list)")
    p.add_argument("--load", default="100:500,1000:50", help="comma list of M:R (subscribers:messages per second)")
    p.add_argument("--events", default="ephemeral", help="comma list of ephemeral, persistent")
    p.add_argument("--persist", action="store_true", help="shorthand for --events persistent")
    p.add_argument("--senders", type=int, default=4, help="sender sockets S, all on instance A (default 4)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of sending per run (default 10)")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of unrecorded sending before the runs")
    p.add_argument("--runs", type=int, default=3, help="measured runs per load; the table shows medians")
    p.add_argument(
        "--drain-quiet", type=float, default=2.0, help="after sending, stop waiting after this long without a frame"
    )
    p.add_argument("--search", action="store_true", help="search for the highest rate that passes, at M=--subscribers")
    p.add_argument("--subscribers", type=int, default=100, help="M for --search (default 100)")
    p.add_argument("--search-start", type=float, default=100.0, help="first rate of the search, msg/s")
    p.add_argument("--search-factor", type=float, default=1.5, help="rate multiplier between search steps")
    p.add_argument("--search-bisect", type=int, default=3, help="bisection steps after the first failure")
    p.add_argument("--search-max", type=float, default=100_000.0, help="stop searching at this rate")
    p.add_argument("--search-duration", type=float, default=5.0, help="seconds per search step")
    p.add_argument("--p99-ms", type=float, default=50.0, help="the latency a search step must stay under")
    p.add_argument("--idle", type=int, default=0, metavar="N", help="open N idle sockets and report RSS per socket")
    p.add_argument("--idle-ping-wait", type=float, default=60.0, help="how long idle sockets wait for a heartbeat ping")
    p.add_argument("--procs", type=int, default=1, help="generator processes, all on --client-cpus (default 1)")
    p.add_argument("--sample-every", type=int, default=0, help="decode 1 frame in N for latency (0: auto)")
    p.add_argument("--server-cpus", default="0", help="taskset list for the servers, PostgreSQL and Redis")
    p.add_argument("--client-cpus", default="1", help="CPU list for the load generator")
    p.add_argument("--baseline-loop", choices=("uvloop", "asyncio"), default="uvloop")
    p.add_argument(
        "--real-argon2", action="store_true", help="register users with the default argon2 cost (slow setup)"
    )
    p.add_argument("--max-load", type=float, default=1.5, help="wait for the 1-minute load average to drop to this")
    p.add_argument("--load-retries", type=int, default=3, help="times to wait 60 s for it before measuring anyway")
    p.add_argument(
        "--max-other",
        type=float,
        default=25.0,
        help="before each step, wait until other work uses at most this %% of a core",
    )
    p.add_argument(
        "--retries", type=int, default=2, help="measure a run again (this often) if other work took over --max-other"
    )
    p.add_argument(
        "--other-wait", type=float, default=60.0, help="wait at most this long for that, then measure anyway"
    )
    p.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness for everything the benchmark starts; negative (root only) keeps other work from taking "
        "the cores mid-run, at the expense of that work",
    )
    p.add_argument("--max-seconds", type=int, default=3 * 3600, help="end the whole benchmark after this long")
    p.add_argument("--json", type=Path, help="also write every run's numbers here")
    args = p.parse_args(argv)
    if args.persist:
        args.events = "persistent"
    args.targets = [t.strip() for t in args.target.split(",") if t.strip()]
    args.modes = (
        ["embedded", "scaled"] if args.mode == "both" else [m.strip() for m in args.mode.split(",") if m.strip()]
    )
    args.event_kinds = [e.strip() for e in args.events.split(",") if e.strip()]
    args.loads = _loads(args.load)
    if not set(args.targets) <= {"sanctum", "baseline"} or not args.targets:
        p.error("--target takes sanctum and/or baseline")
    if not set(args.modes) <= {"embedded", "scaled"} or not args.modes:
        p.error("--mode takes embedded, scaled or both")
    if not set(args.event_kinds) <= {"ephemeral", "persistent"} or not args.event_kinds:
        p.error("--events takes ephemeral and/or persistent")
    if not 1 <= args.senders <= 100:
        p.error("--senders must be 1-100")
    return args


def _raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children (the servers) inherit it
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _targets(
    args: argparse.Namespace, users: int, admins: int
) -> Iterator[Callable[[], contextlib.AbstractContextManager[Target]]]:
    for name in args.targets:
        if name == "baseline":
            yield lambda: baseline_target(args)
        else:
            for mode in args.modes:
                yield lambda mode=mode: sanctum_target(mode, args, users, admins)  # type: ignore[misc]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    install_signal_handlers()

    def on_alarm(_signum: int, _frame: object) -> None:
        raise SystemExit(f"--max-seconds ({args.max_seconds}) reached")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(args.max_seconds)
    fds = _raise_fd_limit()
    need = max([args.idle] + [m for m, _ in args.loads] + [args.subscribers]) + args.senders + 200
    if fds < need * 2 // max(1, args.procs) and fds < need + 100:
        log(f"open files limit {fds} is too low for {need} sockets: raise `ulimit -n`")
        return 2
    client_cpus = _cpu_set(args.client_cpus) if args.client_cpus else None
    if client_cpus:
        os.sched_setaffinity(0, client_cpus)  # the orchestrator too; servers are pinned by taskset
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # inherited by every process started from here
    machine = machine_info()
    machine["loadavg_when_starting"] = wait_for_quiet_machine(args)
    pool = Pool(args.procs, client_cpus)  # forked first, from a process with no threads or loops yet
    atexit.register(pool.stop)

    if args.idle:
        max_m = args.idle
    elif args.search:
        max_m = args.subscribers
    else:
        max_m = max(m for m, _ in args.loads)
    users = math.ceil(max_m / SOCKETS_PER_USER)
    admins = math.ceil(args.senders / SOCKETS_PER_USER)
    results: list[Result] = []
    searches: list[Search] = []
    idles: list[Idle] = []
    command = "bench/ws_fanout.py " + " ".join(sys.argv[1:] if argv is None else argv)
    try:
        for make_target in _targets(args, users, admins):
            with make_target() as target:
                log(f"== {target.label} on cpus {args.server_cpus}, generator on {args.client_cpus}")
                if args.idle:
                    idles.append(bench_idle(pool, target, args))
                    continue
                for kind in args.event_kinds:
                    persist = kind == "persistent"
                    if args.search:
                        searches.append(search(pool, target, args, persist))
                        continue
                    for m, rate in args.loads:
                        results.append(bench_load(pool, target, args, m, rate, persist))
    except (SetupError, BenchError, httpx.HTTPError) as exc:
        log(f"benchmark failed: {exc}")
        return 1
    except KeyboardInterrupt:
        log("interrupted; every process started has been stopped")
        return 130
    except SystemExit as exc:
        log(f"stopped ({exc}); every process started has been stopped")
        raise
    finally:
        pool.stop()
        signal.alarm(0)

    print(
        f"\n{machine['date']}; {machine['nproc']} x {machine['cpu_model']}, {machine['memory_gib']} GiB; "
        f"Python {machine['python']}, kernel {machine['kernel']}; "
        f"load average {machine['loadavg_at_start']:.2f} at start, "
        f"{machine['loadavg_when_starting']:.2f} when measuring began"
    )
    print(f"`{command}`")
    if results:
        print(f"\nMedians of {args.runs} runs of {args.duration:g} s, {args.senders} senders:\n")
        print(result_table(results))
    if searches:
        print(f"\nSearch ({args.search_duration:g} s steps, p99 < {args.p99_ms:g} ms and every message delivered):\n")
        print(search_table(searches, args))
    if idles:
        print("\nIdle sockets:\n")
        print(idle_table(idles))
    if args.json:
        payload = {"command": command, "machine": machine, "args": {k: str(v) for k, v in vars(args).items()}}
        payload |= {
            "results": [asdict(r) for r in results],
            "searches": [asdict(s) for s in searches],
            "idle": [asdict(i) for i in idles],
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    incomplete = any(not run.complete for r in results for run in r.runs)
    return 1 if incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
