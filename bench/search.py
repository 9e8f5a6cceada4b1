"""Search benchmark: GET /api/search latency (p50, p99) and server CPU per query over a seeded history.

    .venv/bin/python bench/search.py --mode both                    # 100,000 messages embedded, 1,000,000 scaled
    .venv/bin/python bench/search.py --mode embedded --messages 20000 --queries 200   # quick

For each mode it starts everything through `_servers.sanctum_server` (scaled: a private PostgreSQL and
Redis; the server and its services pinned to `--server-cpus`), registers the searching person through
the API, then inserts straight into the database `--rooms` rooms they are a member of and
`--messages` messages spread over them and over the last year, written by `--authors` authors. Each
message is 6-20 words drawn from a vocabulary of `--vocabulary` made-up words with a Zipf-like
frequency (word k about 1/k as frequent as the first), so some words are in a large share of the
messages and most in a few. The insert runs through the tables themselves, so the index triggers
(SQLite) and GIN indexes (PostgreSQL) maintain the index exactly as a send does; PostgreSQL is then
ANALYZEd.

Queries, one at a time from this process (latency is a single person's wait, not throughput), cycle
through kinds: a common word, a mid-frequency word, a rare word, two words, a prefix being typed, and
a word with `from:@author`. Two requests are measured:

- `search box`: what the web dialog asks (`limit=5`, every group: messages, posts, comments,
  sanctums, rooms, people);
- `messages page`: `kind=messages&limit=20`, the messages group alone.

Server CPU per query is the server process's (and PostgreSQL's and Redis's) CPU time during the
measured queries divided by their number. The machine's load average is printed with the results,
since a loaded machine inflates every figure here.
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
import json
import random
import secrets
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from _servers import Mode, SetupError, install_signal_handlers, process_cpu_seconds, sanctum_server
from sanctum.domains.accounts.models import User
from sanctum.domains.chat.models import Message, Room, RoomMember

DEFAULT_MESSAGES: dict[str, int] = {"embedded": 100_000, "scaled": 1_000_000}
QUERY_KINDS = ("common", "mid", "rare", "two words", "prefix", "from:")


def loadavg() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def vocabulary(size: int) -> list[str]:
    rng = random.Random(3)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qua", "bri", "don", "fel", "gor", "hul"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def zipf_weights(size: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(size)]


async def seed(
    database_url: str, reader_id: uuid.UUID, args: argparse.Namespace, words: list[str], messages: int
) -> list[str]:
    """Rooms, authors and `messages` messages straight into the database; returns the authors' usernames."""
    rng = random.Random(11)
    now = datetime.now(UTC)
    authors = [
        {
            "id": uuid.uuid4(),
            "username": f"author{n}",
            "email": f"author{n}@example.com",
            "password_hash": "!",
            "display_name": f"Author {n}",
            "bio": "",
            "created_at": now,
            "updated_at": now,
        }
        for n in range(args.authors)
    ]
    rooms = [
        {
            "id": uuid.uuid4(),
            "kind": "public",
            "name": f"room-{n}",
            "topic": "",
            "description": "",
            "member_count": 1 + args.authors,
            "last_activity_at": now,
            "created_at": now - timedelta(days=366),
            "updated_at": now,
        }
        for n in range(args.rooms)
    ]
    members = [
        {"room_id": room["id"], "user_id": user, "role": "member", "joined_at": now}
        for room in rooms
        for user in [reader_id, *(a["id"] for a in authors)]
    ]
    weights = zipf_weights(len(words))
    engine = create_async_engine(database_url)
    started = time.monotonic()
    try:
        async with engine.begin() as db:
            await db.execute(insert(User), authors)
            await db.execute(insert(Room), rooms)
            await db.execute(insert(RoomMember), members)
        batch: list[dict[str, Any]] = []
        for n in range(messages):
            body = " ".join(rng.choices(words, weights, k=rng.randint(6, 20)))
            batch.append(
                {
                    "room_id": rooms[n % len(rooms)]["id"],
                    "author_id": authors[rng.randrange(len(authors))]["id"],
                    "kind": "user",
                    "body": body,
                    "html": f"<p>{body}</p>",
                    "created_at": now - timedelta(seconds=(messages - n) * 31_536_000 / messages),
                }
            )
            if len(batch) == 5000 or n == messages - 1:
                async with engine.begin() as db:
                    await db.execute(insert(Message), batch)
                batch = []
                if (n + 1) % 100_000 == 0:
                    print(f"  {n + 1} messages in {time.monotonic() - started:.0f} s", file=sys.stderr)
        if engine.dialect.name == "postgresql":
            async with engine.connect() as db:
                await db.execution_options(isolation_level="AUTOCOMMIT")
                await db.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    print(f"  seeded {messages} messages in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return [str(a["username"]) for a in authors]


def queries(words: list[str], authors: list[str], count: int) -> list[str]:
    rng = random.Random(5)
    third = len(words) // 3
    out = []
    for n in range(count):
        kind = QUERY_KINDS[n % len(QUERY_KINDS)]
        if kind == "common":
            q = rng.choice(words[:10])
        elif kind == "mid":
            q = rng.choice(words[third : 2 * third])
        elif kind == "rare":
            q = rng.choice(words[-third:])
        elif kind == "two words":
            q = f"{rng.choice(words[:200])} {rng.choice(words[:200])}"
        elif kind == "prefix":
            q = rng.choice(words[:500])[:3]
        else:
            q = f"{rng.choice(words[:200])} from:@{rng.choice(authors)}"
        out.append(q)
    return out


def measure(
    server: Any, client: httpx.Client, headers: dict[str, str], qs: list[str], params: dict[str, Any]
) -> dict[str, Any]:
    latencies = []
    by_kind: dict[str, list[float]] = {kind: [] for kind in QUERY_KINDS}
    cpu0 = process_cpu_seconds(server.process.pid) + server.services_cpu_seconds()
    for n, q in enumerate(qs):
        started = time.perf_counter()
        response = client.get("/api/search", params={"q": q, **params}, headers=headers)
        latencies.append((time.perf_counter() - started) * 1000)
        by_kind[QUERY_KINDS[n % len(QUERY_KINDS)]].append(latencies[-1])
        if response.status_code != 200:
            raise SetupError(f"GET /api/search?q={q}: {response.status_code} {response.text[:300]}")
    cpu = process_cpu_seconds(server.process.pid) + server.services_cpu_seconds() - cpu0
    latencies.sort()
    return {
        "p50_ms_by_query_kind": {k: round(statistics.median(v), 1) for k, v in by_kind.items() if v},
        "queries": len(qs),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "server_cpu_ms_per_query": round(cpu * 1000 / len(qs), 1),
    }


def bench_mode(mode: Mode, args: argparse.Namespace) -> list[dict[str, Any]]:
    messages = args.messages or DEFAULT_MESSAGES[mode]
    words = vocabulary(args.vocabulary)
    print(f"{mode}: starting the server and seeding {messages} messages", file=sys.stderr)
    results = []
    with sanctum_server(mode, cpus=args.server_cpus or None) as server:
        with httpx.Client(base_url=server.base_url, trust_env=False, timeout=60) as client:
            password = f"Bench-{secrets.token_hex(8)}"
            body = {"username": "bench_searcher", "email": "searcher@example.com", "password": password}
            me = client.post("/api/auth/register", json=body)
            if me.status_code != 201:
                raise SetupError(f"register: {me.status_code} {me.text[:300]}")
            login = {"login": "bench_searcher", "password": password, "refresh_token_delivery": "body"}
            token = client.post("/api/auth/login", json=login).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            authors = asyncio.run(seed(server.env["DATABASE_URL"], uuid.UUID(me.json()["id"]), args, words, messages))
            warm = queries(words, authors, args.warmup)
            measured = queries(list(reversed(words)), authors, args.queries)  # other words than the warm-up's
            for name, params in (("search box", {"limit": 5}), ("messages page", {"kind": "messages", "limit": 20})):
                measure(server, client, headers, warm, params)
                load = loadavg()
                result = measure(server, client, headers, measured, params)
                results.append({"mode": mode, "messages": messages, "request": name, **result, "loadavg": load})
                print(f"  {mode} {name}: {result}", file=sys.stderr)
        if not server.process.alive():
            raise SetupError(f"the server died during the benchmark:\n{server.process.log_tail()}")
    return results


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| mode | messages | request | queries | p50 ms | p99 ms | mean ms | server CPU ms/query "
        "| slowest kind (p50 ms) | load avg (1 min) |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in results:
        kind, p50 = max(r["p50_ms_by_query_kind"].items(), key=lambda item: item[1])
        lines.append(
            f"| {r['mode']} | {r['messages']:,} | {r['request']} | {r['queries']} | {r['p50_ms']} | {r['p99_ms']} "
            f"| {r['mean_ms']} | {r['server_cpu_ms_per_query']} | {kind} ({p50}) | {r['loadavg'][0]:.2f} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--mode", choices=["embedded", "scaled", "both"], default="both")
    parser.add_argument("--messages", type=int, default=0, help="0: 100,000 embedded, 1,000,000 scaled")
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--authors", type=int, default=20)
    parser.add_argument("--vocabulary", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--server-cpus", default="0")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.messages < 0 or args.rooms < 1 or args.authors < 1 or args.queries < 1 or args.vocabulary < 600:
        parser.error("need --messages >= 0, --rooms, --authors and --queries >= 1, --vocabulary >= 600")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    install_signal_handlers()
    modes: list[Mode] = ["embedded", "scaled"] if args.mode == "both" else [args.mode]
    started_load = loadavg()
    results: list[dict[str, Any]] = []
    try:
        for mode in modes:
            results += bench_mode(mode, args)
    except (SetupError, httpx.HTTPError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; every process started has been stopped", file=sys.stderr)
        return 130
    command = "bench/search.py " + " ".join(sys.argv[1:] if argv is None else argv)
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M UTC}; load average at start {started_load}, at end {loadavg()}")
    print(f"`{command}`\n")
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps({"command": command, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
