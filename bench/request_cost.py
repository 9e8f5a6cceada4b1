"""Server CPU per request, in-process: the cost of Sanctum's own code with no load generator beside it.

    .venv/bin/python bench/request_cost.py --mode both --rounds 5 --requests 200
    .venv/bin/python bench/request_cost.py --instructions --mode embedded   # instruction counts (valgrind)

The problem: on a 2-core machine shared with other work, wrk and the server compete and every
throughput figure moves by a third between runs. This bench takes the load generator away. It builds
the app as `sanctum serve` does (production settings, a migrated database; PostgreSQL and Redis
started privately in scaled mode), seeds it through the API, then calls the ASGI application directly
(a scope, a receive that hands over the body, a send that keeps the status) for each path the data-path
issue budgets, and reports the median over rounds of the process's CPU time per request. In scaled mode
PostgreSQL's and Redis's CPU is in other processes and is not counted here (bench/http.py counts it).
The floor (`bench/baseline_http_server.py`: Starlette and the driver alone, the same queries and JSON)
runs in the same process on the same database for `/users/me` and a feed page, and the ratio is printed.

`--instructions` re-runs the measurement (each mode asked for) under valgrind's callgrind and reports instructions
per request instead: that count does not change with the machine's load (CPU time does, by a fifth or
more on a busy machine), so it is the figure to compare commits with. The price: callgrind runs Python
about fifty times slower, so that run takes minutes. Each measured loop is bracketed by `os.getppid()`,
at which callgrind dumps its counters (`--dump-before=getppid`).

What is not measured: the HTTP server (uvicorn's parsing and writing, ~0.1 ms a request), the socket,
and fanout (bench/ws_fanout.py).
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see below)
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
import re
import secrets
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from _servers import BENCH_RATE_LIMITS, REPO, _run, start_postgres, start_redis
from baseline_http_server import Db, build

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
_PREPARED = "SANCTUM_BENCH_PREPARED"  # set for the run under callgrind: its database is ready


@dataclass(frozen=True)
class Probe:
    name: str
    method: str
    path: str
    query: str = ""
    body: bytes = b""
    floor: bool = False  # the baseline server serves it too
    queries: tuple[str, ...] = ()  # when given, each request takes the next (a cache that misses)


class Caller:
    """Calls an ASGI app the way uvicorn does, keeping only the status."""

    def __init__(self, app: ASGIApp, authorization: str) -> None:
        self.app, self.authorization = app, authorization.encode()
        self.calls = 0

    async def __call__(self, p: Probe) -> int:
        status = 0
        sent = False
        self.calls += 1
        query = p.queries[self.calls % len(p.queries)] if p.queries else p.query
        headers = [(b"host", b"127.0.0.1"), (b"authorization", self.authorization)]
        if p.body:
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(p.body)).encode())]
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
            "method": p.method, "scheme": "http", "path": p.path, "raw_path": p.path.encode(),
            "query_string": query.encode(), "root_path": "", "headers": headers,
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8375), "state": {},
        }  # fmt: skip

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.Event().wait()  # a disconnect never comes: the response ends the call
            sent = True
            return {"type": "http.request", "body": p.body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(scope, receive, send)
        return status


async def cost(call: Callable[[Probe], Awaitable[int]], p: Probe, rounds: int, requests: int) -> float:
    """Median over rounds of CPU µs per request (after a warm-up round)."""
    for _ in range(max(20, requests // 5)):
        status = await call(p)
        if status >= 400:
            raise SystemExit(f"{p.name}: HTTP {status}")
    per_round = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(requests):
            await call(p)
        per_round.append((time.process_time() - start) / requests * 1e6)
    return statistics.median(per_round)


async def counted(call: Callable[[Probe], Awaitable[int]], p: Probe, requests: int) -> None:
    """One loop between two callgrind dumps."""
    for _ in range(20):
        await call(p)
    os.getppid()
    for _ in range(requests):
        await call(p)
    os.getppid()


async def seed(app: ASGIApp) -> tuple[str, list[Probe]]:
    """Two people, a room with 120 messages, a sanctum with 30 posts and 25 notifications; the paths."""
    import httpx

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:

        async def person(name: str) -> dict[str, str]:
            password = f"Bench-{secrets.token_hex(8)}"
            body = {"username": name, "email": f"{name}@example.com", "password": password}
            assert (await http.post("/api/auth/register", json=body)).status_code == 201
            login = {"login": name, "password": password, "refresh_token_delivery": "body"}
            token = (await http.post("/api/auth/login", json=login)).json()["access_token"]
            return {"Authorization": f"Bearer {token}"}

        alice, bob = await person("alice"), await person("bob")
        room = (await http.post("/api/rooms", json={"name": "general"}, headers=alice)).json()["id"]
        await http.post(f"/api/rooms/{room}/join", headers=bob)
        for i in range(120):
            author = alice if i % 2 else bob
            await http.post(f"/api/rooms/{room}/messages", json={"body": f"message {i} **hi**"}, headers=author)
        newest = (await http.get(f"/api/rooms/{room}/messages", headers=alice)).json()["items"]
        older = min(m["id"] for m in newest)
        sanctum = (await http.post("/api/sanctums", json={"name": "Bench", "slug": "bench"}, headers=alice)).json()
        await http.post("/api/sanctums/bench/join", headers=bob)
        posts = []
        for i in range(30):
            body = {"body": f"post {i} with a **little** markdown", "sanctum_id": sanctum["id"]}
            posts.append((await http.post("/api/posts", json=body, headers=alice)).json()["id"])
        for post in posts[:25]:
            await http.post(f"/api/posts/{post}/comments", json={"body": "nice"}, headers=bob)
        for _ in range(100):  # notifications are made by jobs, in-process in embedded mode
            if len((await http.get("/api/notifications", headers=alice)).json()["items"]) >= 20:
                break
            await asyncio.sleep(0.1)
    send = json.dumps({"body": "a new message"}).encode()
    return alice["Authorization"], [
        Probe("GET /health/live", "GET", "/health/live"),
        Probe("GET /api/users/me", "GET", "/api/users/me", floor=True),
        Probe("GET /api/users/me/rooms", "GET", "/api/users/me/rooms"),
        Probe("GET /api/notifications", "GET", "/api/notifications"),
        Probe("GET /api/feed (warm)", "GET", "/api/feed", "limit=20", floor=True),
        Probe(
            "GET /api/feed (cold)",
            "GET",
            "/api/feed",
            # 25 cursors x 80 page sizes: nearly every request asks for a page not asked for before.
            queries=tuple(f"limit={20 + n // 25}&before={posts[-1 - n % 25]}" for n in range(2000)),
        ),
        Probe("history, newest page", "GET", f"/api/rooms/{room}/messages"),
        Probe("history, older page", "GET", f"/api/rooms/{room}/messages", f"before={older}"),
        Probe("chat send", "POST", f"/api/rooms/{room}/messages", body=send),
        # A sanctum's room: the caller's permissions come from their sanctum role (the RBAC's hot path).
        Probe("room detail", "GET", f"/api/rooms/{room}"),
        Probe("room detail, sanctum room", "GET", f"/api/rooms/{sanctum['room_id']}"),
        Probe("chat send, sanctum room", "POST", f"/api/rooms/{sanctum['room_id']}/messages", body=send),
    ]


def environment(mode: str, stack: contextlib.ExitStack, workdir: Path) -> dict[str, str]:
    env = {"APP_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(36), "LOG_LEVEL": "warning"}
    # Logins are not measured here (bench/http.py measures argon2id at its real cost): cheap hashes
    # keep the seeding short, above all under callgrind.
    env |= {"AUTH__ARGON2_MEMORY_KIB": "1024", "AUTH__ARGON2_TIME_COST": "1"}
    env |= BENCH_RATE_LIMITS | {k: v for k, v in os.environ.items() if k.startswith("RATE_LIMITS__")}
    if mode == "scaled":
        env["DATABASE_URL"] = start_postgres(stack, workdir, cpus=None)[1]
        env["REDIS_URL"] = start_redis(stack, workdir, cpus=None)[1]
    else:
        env["DATABASE_URL"] = f"sqlite+aiosqlite:///{workdir / 'sanctum.db'}"
    _run([str(REPO / ".venv/bin/sanctum"), "migrate"], what="migrate", env=os.environ | env, cwd=workdir)
    return env


async def measure(mode: str, env: dict[str, str], args: argparse.Namespace) -> list[dict[str, Any]]:
    os.environ.update(env)
    from sanctum.main import create_app
    from sanctum.observability.logging import configure_logging
    from sanctum.settings import load_settings

    settings = load_settings()
    configure_logging(settings)  # as `sanctum serve` does: LOG_LEVEL=warning keeps request lines out
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        authorization, paths = await seed(app)
        sanctum = Caller(app, authorization)
        wanted = [p for p in paths if not args.paths or any(w in p.name for w in args.paths)]
        if args.profile:
            import cProfile
            import pstats

            for p in wanted:
                await cost(sanctum, p, 1, 20)
                with cProfile.Profile() as profile:
                    await cost(sanctum, p, 1, args.requests)
                print(f"== {p.name}")
                stats = pstats.Stats(profile).sort_stats(os.environ.get("SORT", "tottime"))
                stats.print_stats(int(os.environ.get("TOP", "25")))
            return []
        if args.exact:
            for p in wanted:
                await counted(sanctum, p, args.requests)
            return [{"path": p.name} for p in wanted]
        floor_db = Db(env["DATABASE_URL"])
        floor = build(floor_db, env["SECRET_KEY"])
        async with floor.router.lifespan_context(floor):
            floor_call = Caller(floor, authorization)  # type: ignore[arg-type]
            rows = []
            for p in wanted:
                us = await cost(sanctum, p, args.rounds, args.requests)
                row: dict[str, Any] = {"mode": mode, "path": p.name, "us": us}
                if p.floor:
                    row["floor_us"] = await cost(floor_call, p, args.rounds, args.requests)
                rows.append(row)
                print(json.dumps(row), flush=True)
            return rows


def instructions(args: argparse.Namespace, mode: str) -> list[dict[str, Any]]:
    """Run the measurement under callgrind and read one dump per measured loop. Only Sanctum's process
    is counted: the database (and in scaled mode PostgreSQL and Redis) is made and started here, out of
    callgrind (whose preloaded libraries its children would inherit), and handed over in the environment."""
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(tempfile.TemporaryDirectory(prefix="sanctum-callgrind-"))
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"sanctum-cost-{mode}-")))
        env = os.environ | environment(mode, stack, workdir) | {_PREPARED: "1"}
        argv = ["valgrind", "--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={out}/cg.%p"]
        argv += [sys.executable, __file__, "--mode", mode, "--exact", "--requests", str(args.requests)]
        argv += [a for p in args.paths for a in ("--path", p)]
        done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env, cwd=workdir)
        if done.returncode:
            raise SystemExit(done.stderr[-3000:])
        names = [json.loads(line)["path"] for line in done.stdout.splitlines() if line.startswith("{")]
        dumps = sorted(Path(out).glob("cg.*.*"), key=lambda f: int(f.name.rsplit(".", 1)[1]))
        totals = [int(re.search(r"^(?:totals|summary): (\d+)", f.read_text(), re.M).group(1)) for f in dumps]  # type: ignore[union-attr]
        # Dumps: [before the first loop's first getppid], then (loop, gap) for each path.
        loops = totals[1::2][: len(names)]
        return [{"mode": mode, "path": n, "instructions": t / args.requests} for n, t in zip(names, loops, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["embedded", "scaled", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="requests per round")
    parser.add_argument("--path", dest="paths", action="append", default=[], help="only paths naming this")
    parser.add_argument("--instructions", action="store_true", help="instruction counts under callgrind")
    parser.add_argument("--profile", action="store_true", help="cProfile the chosen paths instead")
    parser.add_argument("--exact", action="store_true", help=argparse.SUPPRESS)  # the run inside callgrind
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    modes = ("embedded", "scaled") if args.mode == "both" else (args.mode,)
    if args.instructions:
        rows = []
        for mode in modes:
            found = instructions(args, mode)
            rows += found
            for row in found:
                print(f"| {row['mode']} | {row['path']} | {row['instructions'] / 1000:,.0f} k |", flush=True)
    else:
        rows = []
        for mode in modes:
            with contextlib.ExitStack() as stack:
                if os.environ.get(_PREPARED):  # under callgrind: `instructions` made the database
                    env = {}
                else:
                    workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"sanctum-cost-{mode}-")))
                    env = environment(mode, stack, workdir)
                if args.exact:
                    for row in asyncio.run(measure(mode, env, args)):
                        print(json.dumps(row), flush=True)
                    return
                rows += asyncio.run(measure(mode, env, args))
        print(f"\nload average {os.getloadavg()[0]:.1f}; median of {args.rounds} rounds of {args.requests}")
        print("| mode | path | server CPU µs/request | floor µs | ratio |\n| --- | --- | --: | --: | --: |")
        for r in rows:
            floor = f"{r['floor_us']:,.0f} | {r['us'] / r['floor_us']:.1f}x" if "floor_us" in r else "- | -"
            print(f"| {r['mode']} | {r['path']} | {r['us']:,.0f} | {floor} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
