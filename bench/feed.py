"""Feed benchmark: GET /api/feed throughput, p50/p99 and server CPU per request, warm and cold cache.

    .venv/bin/python bench/feed.py --mode both --users 1000 --posts 10000 --duration 10 --runs 3 [--json out.json]
    .venv/bin/python bench/feed.py --mode embedded --users 30 --posts 300 --duration 2 --runs 1 --warmup 1  # quick

For each mode it starts everything through `_servers.sanctum_server` (scaled: a private PostgreSQL and
Redis), then seeds: `--users` accounts, `--sanctums` sanctums founded by `--authors` authors who are
members of all of them, `--posts` posts spread over the authors (one in ten on a profile, the rest in a
sanctum). The measured user is in `--joined` sanctums and friends with `--friends` authors, so the
feed query reads the union of those sanctums and friends.

The people who sign in, the sanctums, memberships and friendships go through the API, as clients
would. The bulk (the accounts nobody signs in to, and the posts, rendered by the server's own markdown
renderer) is inserted straight into the server's database before anything reads a feed: through the
API, 10,000 posts took 462 s per mode. Nothing is cached yet at that point, so no cache is bypassed.

Two endpoints per mode, each warmed up and then measured `--runs` times with wrk, exactly as
bench/http.py measures (server and services pinned to `--server-cpus`, wrk to `--client-cpus`,
server CPU per request from /proc and the server's own request counter, medians):

- `feed warm`: the first page again and again: after the first request every read is a cache hit
  (plus the fresh count overlay: three indexed queries);
- `feed cold`: each request asks for a random `before` cursor, so nearly every read misses the cache
  and runs the feed query; the table shows the hit ratio the server counted during the runs.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (bench/http.py shadows `http`)
from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import asyncio
import importlib.util
import json
import os
import random
import re
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from _servers import Mode, SetupError, install_signal_handlers, sanctum_server
from sanctum.core.markdown import render
from sanctum.domains.accounts.models import User
from sanctum.domains.posts.models import Post
from sanctum.domains.posts.repository import feed_statement


def _load_http_bench() -> Any:
    """bench/http.py by path: its name shadows the standard library's `http` as an import."""
    spec = importlib.util.spec_from_file_location("bench_http", Path(_BENCH_DIR) / "http.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_http"] = module
    spec.loader.exec_module(module)
    return module


hb = _load_http_bench()

# wrk's script of bench/http.py, plus: a body argument `cold:<n>` turns each request into a GET of the
# path with a random `before` in 1..n, so successive requests rarely share a cache key.
COLD_SCRIPT = hb.WRK_SCRIPT.replace(
    """  if args[4] ~= "-" then""",
    """  if string.sub(args[4], 1, 5) == "cold:" then
    max_id = tonumber(string.sub(args[4], 6))
    math.randomseed(os.time())
    request = function()
      return wrk.format(nil, wrk.path .. "?before=" .. math.random(1, max_id))
    end
  elseif args[4] ~= "-" then""",
)


class Seeder:
    """Builds the data set through the API, as clients would."""

    def __init__(self, client: httpx.Client, password: str) -> None:
        self.client = client
        self.password = password

    def check(self, response: httpx.Response, status: int, what: str) -> Any:
        if response.status_code != status:
            raise hb.BenchError(f"{what}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    def register(self, name: str, *, login: bool) -> dict[str, Any]:
        body = {"username": name, "email": f"{name}@example.com", "password": self.password}
        me = self.check(self.client.post("/api/auth/register", json=body), 201, "register")
        if not login:
            return {"id": me["id"]}
        pair = self.check(
            self.client.post(
                "/api/auth/login",
                json={"login": name, "password": self.password, "refresh_token_delivery": "body"},
            ),
            200,
            "login",
        )
        return {"id": me["id"], "headers": {"Authorization": f"Bearer {pair['access_token']}"}, **pair}

    def seed(self, args: argparse.Namespace, database_url: str) -> tuple[dict[str, Any], int]:
        """Returns the measured user (with `sanctum_ids` and `friend_ids`, its feed's sources) and the
        id of the newest post."""
        started = time.monotonic()
        reader = self.register("bench_reader", login=True)
        authors = [self.register(f"author{n}", login=True) for n in range(args.authors)]
        sanctums = []
        for n in range(args.sanctums):
            founder = authors[n % len(authors)]
            body = {"name": f"Sanctum {n}", "slug": f"bench-{n}", "visibility": "public"}
            sanctums.append(
                self.check(self.client.post("/api/sanctums", json=body, headers=founder["headers"]), 201, "sanctum")
            )
        for sanctum in sanctums:
            for author in authors:
                self.check(
                    self.client.post(f"/api/sanctums/{sanctum['slug']}/join", headers=author["headers"]), 200, "join"
                )
        for sanctum in sanctums[: args.joined]:
            self.check(
                self.client.post(f"/api/sanctums/{sanctum['slug']}/join", headers=reader["headers"]), 200, "join"
            )
        for author in authors[: args.friends]:
            request = {"user_id": author["id"]}
            self.check(
                self.client.post("/api/friends/requests", json=request, headers=reader["headers"]), 200, "friend"
            )
            self.check(
                self.client.post(f"/api/friends/requests/{reader['id']}/accept", headers=author["headers"]),
                200,
                "accept",
            )
        lurkers = max(0, args.users - args.authors - 1)
        author_ids = [uuid.UUID(a["id"]) for a in authors]
        sanctum_ids = [uuid.UUID(s["id"]) for s in sanctums]
        last_id = asyncio.run(insert_bulk(database_url, lurkers, args.posts, author_ids, sanctum_ids))
        print(f"  seeded in {time.monotonic() - started:.0f} s", file=sys.stderr)
        reader["sanctum_ids"] = sanctum_ids[: args.joined]
        reader["friend_ids"] = [uuid.UUID(reader["id"]), *author_ids[: args.friends]]  # as the server asks
        return reader, last_id


async def insert_bulk(
    database_url: str, lurkers: int, posts: int, authors: list[uuid.UUID], sanctums: list[uuid.UUID]
) -> int:
    """`lurkers` accounts (a password hash nobody can log in with) and `posts` posts, straight into
    the database; returns the id of the newest post."""
    rng = random.Random(7)
    start = datetime.now(UTC) - timedelta(seconds=posts)
    users = [
        {
            "id": uuid.uuid4(),
            "username": f"lurker{n}",
            "email": f"lurker{n}@example.com",
            "password_hash": "!",
            "display_name": f"lurker{n}",
            "bio": "",
            "is_admin": False,
            "created_at": start,
            "updated_at": start,
        }
        for n in range(lurkers)
    ]
    rows = []
    for n in range(posts):
        body = f"Post {n}: *some* text about **things** #{rng.randrange(10**6)}"
        rows.append(
            {
                "author_id": authors[n % len(authors)],
                "sanctum_id": sanctums[rng.randrange(len(sanctums))] if n % 10 else None,
                "body": body,
                "html": render(body),
                "created_at": start + timedelta(seconds=n),
            }
        )
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as db:
            if users:
                await db.execute(insert(User), users)
            for at in range(0, len(rows), 1000):
                await db.execute(insert(Post), rows[at : at + 1000])
            newest = (await db.execute(Post.__table__.select().order_by(Post.id.desc()).limit(1))).first()
    finally:
        await engine.dispose()
    assert newest is not None
    return int(newest.id)


FEED_PAGE = 21  # GET /api/feed's default page of 20, plus one to tell whether there is more


async def explain_feed(database_url: str, reader: dict[str, Any], before: int | None) -> str:
    """The plan of the home feed query the server runs for `reader`: EXPLAIN ANALYZE on PostgreSQL
    (with the real timings), EXPLAIN QUERY PLAN on SQLite."""
    query, params = feed_statement(reader["sanctum_ids"], reader["friend_ids"], before, FEED_PAGE)
    engine = create_async_engine(database_url)
    try:
        sql = str(query.params(params).compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        postgres = engine.dialect.name == "postgresql"
        prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
        async with engine.connect() as db:
            rows = (await db.exec_driver_sql(prefix + sql)).all()
    finally:
        await engine.dispose()
    if postgres:
        return "\n".join(row[0] for row in rows)
    return "\n".join(f"{row[0]:>4} {row[1]:>4}  {row[-1]}" for row in rows)  # id, parent, detail


def feed_hit_ratio(client: httpx.Client) -> tuple[float, float]:
    text = client.get("/metrics").text
    found = {}
    for result in ("hit", "miss"):
        match = re.search(r'^cache_requests_total\{cache="feed",result="' + result + r'"\} ([0-9.e+]+)$', text, re.M)
        found[result] = float(match.group(1)) if match else 0.0
    return found["hit"], found["miss"]


def bench_mode(mode: Mode, args: argparse.Namespace, load: Any) -> list[Any]:
    hb.wait_for_quiet_cpu(args.max_other, args.load_wait)
    print(f"{mode}: starting the server and seeding", file=sys.stderr)
    endpoint = hb.Endpoint("GET /api/feed", "GET", "/api/feed", args.concurrency)
    results = []
    with sanctum_server(mode, cpus=args.server_cpus or None) as server:
        with httpx.Client(base_url=server.base_url, trust_env=False, timeout=60) as client:
            seeder = Seeder(client, f"Bench-{secrets.token_hex(8)}")
            reader, last_id = seeder.seed(args, server.env["DATABASE_URL"])
            if args.explain:
                for before in (None, last_id // 2):
                    plan = asyncio.run(explain_feed(server.env["DATABASE_URL"], reader, before))
                    print(f"\n{mode} feed query plan, before={before}:\n{plan}\n", file=sys.stderr)

            def request(body: str) -> dict[str, str]:
                refreshed = client.post("/api/auth/refresh", json={"refresh_token": reader["refresh_token"]})
                pair = seeder.check(refreshed, 200, "refresh")
                reader["refresh_token"] = pair["refresh_token"]
                return {"authorization": f"Bearer {pair['access_token']}", "body": body}

            for name, body in (("feed warm", "-"), ("feed cold", f"cold:{last_id}")):
                hits0, misses0 = feed_hit_ratio(client)
                result = hb.bench_endpoint(
                    server,
                    client,
                    load,
                    hb.Endpoint(name, endpoint.method, endpoint.path, endpoint.concurrency),
                    args,
                    lambda body=body: request(body),  # type: ignore[misc]
                )
                hits1, misses1 = feed_hit_ratio(client)
                lookups = (hits1 - hits0) + (misses1 - misses0)
                ratio = (hits1 - hits0) / lookups if lookups else 0.0
                print(f"  {mode} {name}: cache hit ratio {ratio:.1%} over {lookups:.0f} reads", file=sys.stderr)
                result.endpoint = f"{name} (hits {ratio:.0%})"
                results.append(result)
        if not server.process.alive():
            raise hb.BenchError(f"the server died during the benchmark:\n{server.process.log_tail()}")
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="GET /api/feed throughput, latency and server CPU, warm and cold cache.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--mode", choices=["embedded", "scaled", "both"], default="both")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--authors", type=int, default=50)
    parser.add_argument("--sanctums", type=int, default=40)
    parser.add_argument("--joined", type=int, default=10, help="sanctums the measured user is in")
    parser.add_argument("--friends", type=int, default=20, help="authors the measured user is friends with")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-requests", type=int, default=2_000_000)
    parser.add_argument("--server-cpus", default="0")
    parser.add_argument("--client-cpus", default="1")
    parser.add_argument("--max-other", type=float, default=15.0)
    parser.add_argument("--retries", type=int, default=3)
    parser.add_argument("--load-wait", type=float, default=300.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--explain", action="store_true", help="print the feed query's plan after seeding")
    args = parser.parse_args(argv)
    if not 1 <= args.authors <= args.users - 1 or args.sanctums < 1 or args.posts < 1:
        parser.error("need 1 <= --authors < --users, and at least one sanctum and one post")
    if args.joined > args.sanctums or args.friends > args.authors:
        parser.error("--joined must not exceed --sanctums, nor --friends --authors")
    if not 1 <= args.duration <= 600 or not 0 <= args.warmup <= 600 or not 1 <= args.runs <= 20:
        parser.error("--duration within 1-600 s, --warmup within 0-600 s, --runs within 1-20")
    return args


@contextmanager
def _script() -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix="sanctum-bench-feed-", suffix=".lua")
    path = Path(name)
    try:
        with os.fdopen(handle, "w") as file:
            file.write(COLD_SCRIPT)
        yield path
    finally:
        path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    install_signal_handlers()
    for program in ("wrk", "taskset"):
        if shutil.which(program) is None:
            print(f"`{program}` not found", file=sys.stderr)
            return 2
    machine = hb.machine_info()
    modes: list[Mode] = ["embedded", "scaled"] if args.mode == "both" else [args.mode]
    results: list[Any] = []
    try:
        with _script() as script:
            load = hb.Load(script, args.client_cpus or None, args.max_requests)
            for mode in modes:
                results += bench_mode(mode, args, load)
    except (SetupError, hb.BenchError, httpx.HTTPError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; every process started has been stopped", file=sys.stderr)
        return 130
    command = "bench/feed.py " + " ".join(sys.argv[1:] if argv is None else argv)
    print(f"\n{machine['date']}; {machine['nproc']} x {machine['cpu_model']}, {machine['memory_gib']} GiB")
    print(f"`{command}` (medians of {args.runs} runs of {args.duration:g} s after {args.warmup:g} s of warm-up)\n")
    print(hb.markdown_table(results))
    if args.json:
        payload = {"command": command, "args": {k: str(v) for k, v in vars(args).items()}, "machine": machine}
        args.json.write_text(json.dumps(payload | {"results": [asdict(r) for r in results]}, indent=2) + "\n")
    failed = any(run.not_ok or run.socket_errors or run.capped for r in results for run in r.runs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
