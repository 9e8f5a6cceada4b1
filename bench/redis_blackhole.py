"""Request latency with Redis black-holed (packets dropped, not refused): the circuit breaker's effect.

    .venv/bin/python bench/redis_blackhole.py --requests 200

Starts PostgreSQL and Redis privately (bench/_servers.py), a TCP proxy in front of Redis that this
script controls (tests/support/blackhole.py: once black-holed it accepts and reads, never answers), and
`sanctum serve` on them with REDIS_URL pointing at the proxy. One user sends a message and reads the
room in turn, one request at a time, and the script reports the latency (p50, p95, max) of each phase:

1. normal: Redis answering;
2. opening: from the black hole until /health/ready reports the breaker open (what the first requests
   pay: their Redis socket timeouts), with how long that took;
3. open: the breaker failing fast (the figure the issue bounds: within 50 ms of normal);
4. recovery: after the proxy heals, how long until the breaker's probe closes it.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see bench/_servers.py)
from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import threading
import time
from urllib.parse import urlsplit

import httpx
from tests.support.blackhole import BlackHoleProxy

from _servers import (
    LOOPBACK,
    SANCTUM,
    _run,
    free_port,
    http_status,
    sanctum_env,
    spawn,
    start_postgres,
    start_redis,
    wait_until,
)

PASSWORD = "bench-password-1234"


def summary(name: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{name:<9} n={len(ms):<4} p50={statistics.median(ms):7.1f} ms  p95={p95:7.1f} ms  max={ms[-1]:7.1f} ms"


def breaker(client: httpx.Client) -> str:
    return str(client.get("/health/ready").json().get("breakers", {}).get("redis", "?"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per measured phase")
    args = parser.parse_args()

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    def on_loop(coro: object) -> object:
        return asyncio.run_coroutine_threadsafe(coro, loop).result()  # type: ignore[arg-type]

    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sanctum-bench-blackhole-")))
        _, database_url = start_postgres(stack, workdir, cpus="0")
        _, redis_url = start_redis(stack, workdir, cpus="0")
        real = urlsplit(redis_url)
        proxy = BlackHoleProxy(real.hostname or LOOPBACK, real.port or 6379)
        on_loop(proxy.start())
        stack.callback(lambda: on_loop(proxy.stop()))
        env = sanctum_env(workdir, database_url, f"redis://{proxy.address}/0")
        _run([str(SANCTUM), "migrate"], what="sanctum migrate", env=env, cwd=workdir)
        port = free_port()
        argv = [str(SANCTUM), "serve", "--host", LOOPBACK, "--port", str(port)]
        proc = spawn("sanctum", argv, log_path=workdir / "sanctum.log", env=env, cwd=workdir, cpus="0")
        stack.callback(proc.stop)
        wait_until(lambda: http_status(port, "/health/ready") == 200, what="200 from /health/ready", proc=proc)

        with httpx.Client(base_url=f"http://{LOOPBACK}:{port}", timeout=60, trust_env=False) as client:
            body = {"username": "bench_blackhole", "email": "bench@example.com", "password": PASSWORD}
            assert client.post("/api/auth/register", json=body).status_code == 201
            token = client.post("/api/auth/login", json={"login": "bench_blackhole", "password": PASSWORD}).json()
            client.headers["Authorization"] = f"Bearer {token['access_token']}"
            room = client.post("/api/rooms", json={"name": "bench", "kind": "public"}).json()["id"]

            def one(i: int) -> float:
                started = time.perf_counter()
                sent = client.post(f"/api/rooms/{room}/messages", json={"body": f"m{i}"})
                read = client.get(f"/api/rooms/{room}")
                if sent.status_code != 201 or read.status_code != 200:
                    raise SystemExit(f"request failed: {sent.status_code} {read.status_code}")
                return (time.perf_counter() - started) / 2

            for i in range(20):  # warm-up
                one(i)
            normal = [one(i) for i in range(args.requests)]

            loop.call_soon_threadsafe(proxy.black_hole)
            holed_at = time.perf_counter()
            opening: list[float] = []
            while breaker(client) == "closed":
                opening.append(one(len(opening)))
            opened_after = time.perf_counter() - holed_at
            fast = [one(i) for i in range(args.requests)]

            loop.call_soon_threadsafe(proxy.heal)
            healed_at = time.perf_counter()
            while breaker(client) != "closed":
                time.sleep(0.05)
            closed_after = time.perf_counter() - healed_at

        print(summary("normal", normal))
        print(summary("opening", opening) + f"   (breaker open {opened_after:.1f} s after the black hole)")
        print(summary("open", fast))
        print(f"recovery  breaker closed {closed_after:.2f} s after Redis answered again")
        print(f"open - normal, p50: {(statistics.median(fast) - statistics.median(normal)) * 1000:+.1f} ms")


if __name__ == "__main__":
    main()
