"""Chat benchmark: messages sent through the API to a room of M live members, and history pages.

    .venv/bin/python bench/chat.py --mode embedded,scaled --members 100 --rates 25,50,100,200,400
    .venv/bin/python bench/chat.py --mode embedded --members 100 --rates 50 --duration 5 --history-duration 5

What it measures, per mode:

- Sending: S sender members POST `/api/rooms/{id}/messages` (persisted, rendered, logged in the
  room's event log, published) at a fixed total rate R for T seconds, open loop (a slow request
  does not delay the next one); M member sockets (the senders among them) subscribed to
  `room:{id}` count every `message.created` frame without decoding it and decode one in N for the
  latency, from the sender's clock in the body to the moment the socket read it (all processes
  share the clock). Per rate: messages/s accepted (201), POST p50/p99, deliveries/s, delivery ratio
  (frames received / (messages accepted x M)), send-to-receive p50/p95/p99/max, server CPU per
  message (and per delivery). Rates go up in the order given; the first rate that misses a message
  or whose p99 passes `--p99-ms` ends the climb, and the last rate that passed is the sustained rate.
- History: C concurrent clients GET `/api/rooms/{id}/messages?limit=50` (the newest page, cached)
  and `?before=<id>&limit=50` (an older page, always from the database) for D seconds each:
  requests/s, p50/p99, server CPU per request.

Servers, PostgreSQL and Redis run on core `--server-cpus` (0), this load generator on
`--client-cpus` (1). Scaled mode runs two instances on one PostgreSQL and Redis; the members'
sockets are split over both and the senders post to the first, so half the deliveries cross Redis.
Users are created with cheap argon2 parameters (setup only). Loopback only; every wait is bounded.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see ws_fanout.py)
from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import asyncio
import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
import orjson

from _servers import LOOPBACK, Proc, another_instance, install_signal_handlers
from _servers import sanctum_server as start_sanctum
from ws_fanout import (
    CONNECT_TIMEOUT,
    FAST_ARGON2,
    BenchError,
    Counters,
    WsClient,
    _percentile,
    _register_users,
    log,
    machine_info,
    wait_for_frames,
)

BODY_PREFIX = "bench "
SOCKETS_PER_MEMBER = 1


class ChatSocket(WsClient):
    """Counts `message.created` frames; a sampled one gives the latency from the time in its body."""

    match = b'{"type":"message.created"'

    def _sample(self, payload: bytes) -> None:
        with contextlib.suppress(ValueError, KeyError, TypeError, IndexError):
            body = orjson.loads(payload)["data"]["body"]
            self.c.samples.append(time.time() - float(body.split()[1]))


async def open_member_socket(counters: Counters, port: int, token: str, topic: str) -> ChatSocket:
    async with httpx.AsyncClient(base_url=f"http://{LOOPBACK}:{port}", timeout=30, trust_env=False) as http:
        reply = await http.post("/api/ws/ticket", headers={"Authorization": f"Bearer {token}"})
        if reply.status_code != 200:
            raise BenchError(f"ticket: {reply.status_code} {reply.text[:200]}")
        ticket = reply.json()["ticket"]
    loop = asyncio.get_running_loop()
    path = f"/api/ws?ticket={ticket}"
    _, proto = await asyncio.wait_for(
        loop.create_connection(lambda: ChatSocket(counters, LOOPBACK, port, path), LOOPBACK, port), CONNECT_TIMEOUT
    )
    try:
        await asyncio.wait_for(asyncio.shield(proto.opened), CONNECT_TIMEOUT)
        proto.send_json({"type": "subscribe", "topic": topic})
        await asyncio.wait_for(asyncio.shield(proto.acked), CONNECT_TIMEOUT)
    except BaseException:
        proto.close()
        raise
    return proto  # type: ignore[return-value]


@dataclass
class Target:
    mode: str
    ports: list[int]
    servers: list[Proc]
    services: list[Proc]

    def cpu(self) -> tuple[float, float]:
        return sum(p.cpu_seconds() for p in self.servers), sum(p.cpu_seconds() for p in self.services)


@contextlib.contextmanager
def sanctum(mode: str, cpus: str) -> Iterator[Target]:
    with start_sanctum(mode, cpus=cpus, extra_env=FAST_ARGON2) as server, contextlib.ExitStack() as stack:  # type: ignore[arg-type]
        servers, ports = [server.process], [server.port]
        if mode == "scaled":
            proc, port = another_instance(stack, server, cpus)
            servers.append(proc)
            ports.append(port)
        yield Target(mode, ports, servers, list(server.services))


# -- sending ------------------------------------------------------------------------------------------


@dataclass
class SendRun:
    rate: float
    accepted: int = 0
    failed: int = 0
    messages_per_s: float = 0.0
    post_p50_ms: float = 0.0
    post_p99_ms: float = 0.0
    deliveries_per_s: float = 0.0
    ratio: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    server_cpu_pct: float = 0.0
    services_cpu_pct: float = 0.0
    server_us_per_message: float = 0.0
    server_us_per_delivery: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)

    def passes(self, p99_ms: float) -> bool:
        return self.failed == 0 and self.ratio == 1.0 and self.p99_ms <= p99_ms


def pct(values: list[float], q: float) -> float:
    return _percentile(sorted(values), q)


async def send_at_rate(
    http: httpx.AsyncClient, tokens: list[str], room_id: str, rate: float, duration: float, tag: str
) -> tuple[int, int, list[float], dict[str, int]]:
    """POST messages at `rate` per second for `duration` seconds, round-robin over the senders."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    total = max(1, round(rate * duration))
    path = f"/api/rooms/{room_id}/messages"
    tasks: list[asyncio.Task[None]] = []

    async def one(i: int) -> None:
        token = tokens[i % len(tokens)]
        started = time.time()
        body = f"{BODY_PREFIX}{started:.6f} {tag}-{i} the quick brown fox jumps over the lazy dog"
        try:
            reply = await http.post(path, json={"body": body}, headers={"Authorization": f"Bearer {token}"})
            status = str(reply.status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        if status == "201":
            latencies.append(time.time() - started)
        else:
            errors[status] = errors.get(status, 0) + 1

    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    for i in range(total):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=duration + 60)
    return len(latencies), total - len(latencies), latencies, errors


async def measure_rate(
    target: Target,
    counters: Counters,
    http: httpx.AsyncClient,
    senders: list[str],
    room_id: str,
    members: int,
    rate: float,
    args: argparse.Namespace,
) -> SendRun:
    expected_per_message = members
    every = max(1, round(rate * members / 5000))  # decode at most ~5,000 frames a second
    counters.reset(every)
    cpu0, svc0 = target.cpu()
    t0 = time.time()
    accepted, failed, posts, errors = await send_at_rate(http, senders, room_id, rate, args.duration, f"r{rate:g}")
    sent_done = time.time()
    cpu1, svc1 = target.cpu()
    await wait_for_frames(counters, accepted * expected_per_message, quiet=args.drain_quiet, limit=30.0)
    cpu2, _ = target.cpu()
    window = max(1e-9, sent_done - t0)
    span = max(1e-9, (counters.last_recv or sent_done) - t0)
    samples = [s * 1000 for s in counters.samples]
    run = SendRun(rate=rate, accepted=accepted, failed=failed, errors=errors)
    run.messages_per_s = accepted / window
    run.post_p50_ms, run.post_p99_ms = pct([p * 1000 for p in posts], 0.5), pct([p * 1000 for p in posts], 0.99)
    run.deliveries_per_s = counters.received / span
    run.ratio = counters.received / max(1, accepted * expected_per_message)
    run.p50_ms, run.p95_ms, run.p99_ms = pct(samples, 0.5), pct(samples, 0.95), pct(samples, 0.99)
    run.max_ms = max(samples, default=0.0)
    run.server_cpu_pct = 100 * (cpu1 - cpu0) / window
    run.services_cpu_pct = 100 * (svc1 - svc0) / window
    run.server_us_per_message = 1e6 * (cpu2 - cpu0) / max(1, accepted)
    run.server_us_per_delivery = 1e6 * (cpu2 - cpu0) / max(1, counters.received)
    return run


# -- history ------------------------------------------------------------------------------------------


@dataclass
class HistoryRun:
    page: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_us_per_request: float


async def history_load(
    target: Target, port: int, token: str, path: str, page: str, concurrency: int, duration: float
) -> HistoryRun:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=f"http://{LOOPBACK}:{port}", timeout=30, trust_env=False, limits=limits
    ) as http:
        headers = {"Authorization": f"Bearer {token}"}
        await http.get(path, headers=headers)  # warm the cache and the connection
        stop_at = time.monotonic() + duration
        cpu0, _ = target.cpu()
        t0 = time.monotonic()

        async def client() -> None:
            nonlocal errors
            while time.monotonic() < stop_at:
                started = time.monotonic()
                reply = await http.get(path, headers=headers)
                if reply.status_code == 200:
                    latencies.append(time.monotonic() - started)
                else:
                    errors += 1

        await asyncio.gather(*(client() for _ in range(concurrency)))
        elapsed = time.monotonic() - t0
        cpu1, _ = target.cpu()
    ms = [x * 1000 for x in latencies]
    return HistoryRun(
        page=page,
        requests_per_s=len(latencies) / elapsed,
        p50_ms=pct(ms, 0.5),
        p99_ms=pct(ms, 0.99),
        errors=errors,
        server_us_per_request=1e6 * (cpu1 - cpu0) / max(1, len(latencies) + errors),
    )


# -- one mode -----------------------------------------------------------------------------------------


async def bench_mode(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    base = f"http://{LOOPBACK}:{target.ports[0]}"
    started = time.monotonic()
    tokens = await _register_users(base, args.members, "chat_")
    log(f"  {args.members} members registered in {time.monotonic() - started:.1f} s")
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False, limits=limits) as http:
        owner = {"Authorization": f"Bearer {tokens[0]}"}
        reply = await http.post("/api/rooms", json={"name": "bench room", "kind": "public"}, headers=owner)
        if reply.status_code != 201:
            raise BenchError(f"create room: {reply.status_code} {reply.text[:200]}")
        room_id = reply.json()["id"]
        sem = asyncio.Semaphore(8)

        async def join(token: str) -> None:
            async with sem:
                r = await http.post(f"/api/rooms/{room_id}/join", headers={"Authorization": f"Bearer {token}"})
                if r.status_code not in (200, 201):
                    raise BenchError(f"join: {r.status_code} {r.text[:200]}")

        await asyncio.gather(*(join(t) for t in tokens[1:]))
        counters = Counters()
        topic = f"room:{room_id}"
        sockets: list[ChatSocket] = []
        try:
            for i, token in enumerate(tokens):
                port = target.ports[i % len(target.ports)]
                sockets.append(await open_member_socket(counters, port, token, topic))
            log(f"  {len(sockets)} member sockets subscribed to {topic}")
            senders = tokens[: args.senders]
            warm, *_ = await send_at_rate(http, senders, room_id, min(args.rates), 2.0, "warmup")
            # Let the warm-up's frames arrive before the first measured rate resets the counters.
            await wait_for_frames(counters, warm * len(sockets), quiet=1.0, limit=10.0)
            runs: list[SendRun] = []
            for rate in args.rates:
                run = await measure_rate(target, counters, http, senders, room_id, len(sockets), rate, args)
                runs.append(run)
                log(
                    f"  {rate:g} msg/s: {run.messages_per_s:.1f} accepted/s ({run.failed} failed {run.errors}), "
                    f"POST p50 {run.post_p50_ms:.1f} p99 {run.post_p99_ms:.1f} ms; {run.deliveries_per_s:,.0f} "
                    f"deliveries/s ratio {run.ratio:.4f}; send-to-receive p50 {run.p50_ms:.1f} p95 {run.p95_ms:.1f} "
                    f"p99 {run.p99_ms:.1f} max {run.max_ms:.1f} ms; server {run.server_cpu_pct:.0f}% "
                    f"(+{run.services_cpu_pct:.0f}% services), {run.server_us_per_message:,.0f} us/message"
                )
                if not run.passes(args.p99_ms):
                    break
        finally:
            for sock in sockets:
                sock.close()
        # History: the newest page (cached) and an older page (always read from the database).
        newest = (await http.get(f"/api/rooms/{room_id}/messages?limit=50", headers=owner)).json()["items"]
        older_before = newest[-1]["id"] if newest else 1
    history = []
    for page, path in [
        ("newest (cached)", f"/api/rooms/{room_id}/messages?limit=50"),
        ("older (database)", f"/api/rooms/{room_id}/messages?before={older_before}&limit=50"),
    ]:
        h = await history_load(target, target.ports[0], tokens[1], path, page, args.concurrency, args.history_duration)
        history.append(h)
        log(
            f"  history {page}: {h.requests_per_s:,.0f} req/s p50 {h.p50_ms:.1f} p99 {h.p99_ms:.1f} ms, "
            f"{h.errors} errors, {h.server_us_per_request:,.0f} us server CPU/request"
        )
    passed = [r.rate for r in runs if r.passes(args.p99_ms)]
    return {
        "mode": target.mode,
        "sustained_rate": max(passed, default=0.0),
        "runs": [asdict(r) for r in runs],
        "history": [asdict(h) for h in history],
    }


def table(results: list[dict[str, Any]], p99_ms: float) -> str:
    lines = [
        "| mode | rate msg/s | accepted/s | POST p99 ms | deliveries/s | ratio | p50 ms | p99 ms | max ms "
        "| server CPU % | µs/message | passes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for res in results:
        for r in res["runs"]:
            ok = r["failed"] == 0 and r["ratio"] == 1.0 and r["p99_ms"] <= p99_ms
            lines.append(
                f"| {res['mode']} | {r['rate']:g} | {r['messages_per_s']:.1f} | {r['post_p99_ms']:.1f} "
                f"| {r['deliveries_per_s']:,.0f} | {r['ratio']:.4f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
                f"| {r['max_ms']:.1f} | {r['server_cpu_pct']:.0f} (+{r['services_cpu_pct']:.0f}) "
                f"| {r['server_us_per_message']:,.0f} | {'yes' if ok else 'no'} |"
            )
    lines += [
        "",
        "| mode | page | requests/s | p50 ms | p99 ms | errors | µs server CPU/request |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for res in results:
        for h in res["history"]:
            lines.append(
                f"| {res['mode']} | {h['page']} | {h['requests_per_s']:,.0f} | {h['p50_ms']:.1f} | {h['p99_ms']:.1f} "
                f"| {h['errors']} | {h['server_us_per_request']:,.0f} |"
            )
    lines += [
        "",
        "Sustained rate (every message delivered, p99 within the limit): "
        + ", ".join(f"{res['mode']} {res['sustained_rate']:g} msg/s" for res in results),
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--mode", default="embedded,scaled", help="embedded, scaled or both (comma list)")
    p.add_argument("--members", type=int, default=100, help="live members M (one socket each)")
    p.add_argument("--senders", type=int, default=4, help="members who send S")
    p.add_argument("--rates", default="25,50,100,200,400", help="comma list of total message rates, climbed in order")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of sending per rate")
    p.add_argument("--drain-quiet", type=float, default=2.0, help="stop waiting after this long without a frame")
    p.add_argument("--p99-ms", type=float, default=100.0, help="send-to-receive p99 a rate must stay under")
    p.add_argument("--concurrency", type=int, default=16, help="history clients")
    p.add_argument("--history-duration", type=float, default=10.0, help="seconds per history page kind")
    p.add_argument("--server-cpus", default="0", help="taskset list for the servers, PostgreSQL and Redis")
    p.add_argument("--client-cpus", default="1", help="CPU list for this load generator")
    p.add_argument("--json", help="write the results here as JSON")
    args = p.parse_args(argv)
    args.modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    if not set(args.modes) <= {"embedded", "scaled"} or not args.modes:
        p.error("--mode takes embedded and/or scaled")
    try:
        args.rates = [float(r) for r in args.rates.split(",") if r.strip()]
    except ValueError:
        p.error("--rates takes numbers")
    if not args.rates or min(args.rates) <= 0 or not 1 <= args.senders <= args.members <= 1000:
        p.error("need positive rates and 1 <= senders <= members <= 1000")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    install_signal_handlers()
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, {int(c) for c in args.client_cpus.split(",")})
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()
    results = []
    for mode in args.modes:
        log(f"== chat, {mode}: members {args.members}, senders {args.senders}, rates {args.rates}")
        with sanctum(mode, args.server_cpus) as target:
            results.append(asyncio.run(bench_mode(target, args)))
    print(table(results, args.p99_ms))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": machine_info(), "args": vars(args), "results": results}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
