"""Database transactions and statements per request, read from the server's own /metrics.

    .venv/bin/python bench/transactions.py --mode both --requests 20 [--json out.json]

For each mode it starts a server through `_servers.sanctum_server` (a temporary directory; in scaled
mode a private PostgreSQL and Redis), makes two people, a room with 40 messages and a sanctum with 40
posts through the API, then for each request kind reads `/metrics` before and after `--requests`
requests of that kind (one at a time) and prints, per request, the transactions begun on a database
connection (`db_transactions_total`, by mode) and the statements run (`db_query_duration_seconds_count`).

The kinds are those the unit-of-work issue budgets: `GET /api/users/me`, the home feed (a cached page
and pages that miss the cache), a room's history (newest page and an older page) and a chat send.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see bench/_servers.py)
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py shadows the standard library's `http`: move bench/ last on sys.path.
_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass

import httpx

from _servers import Mode, install_signal_handlers, sanctum_server

METRIC = re.compile(
    r'^(db_transactions_total|db_query_duration_seconds_count)(?:\{(?:mode|operation)="(\w+)"\})? ([0-9.e+]+)$'
)


@dataclass
class Row:
    mode: str
    kind: str
    read: float
    write: float
    statements: float


def counters(client: httpx.Client) -> dict[str, float]:
    out = {"read": 0.0, "write": 0.0, "statements": 0.0}
    for line in client.get("/metrics").text.splitlines():
        found = METRIC.match(line)
        if found is None:
            continue
        name, mode, value = found.groups()
        if name.startswith("db_query"):
            out["statements"] += float(value)  # summed over the operation label
        else:
            out[mode] = float(value)
    return out


def person(client: httpx.Client, name: str) -> dict[str, str]:
    body = {"username": name, "email": f"{name}@example.com", "password": "correct horse battery staple"}
    client.post("/api/auth/register", json=body).raise_for_status()
    tokens = client.post("/api/auth/login", json={"login": name, "password": body["password"]})
    tokens.raise_for_status()
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


def measure(mode: Mode, requests: int) -> list[Row]:
    rows: list[Row] = []
    with sanctum_server(mode, cpus=None) as server, httpx.Client(base_url=server.base_url, timeout=30) as client:
        alice, bob = person(client, "alice"), person(client, "bob")
        room = client.post("/api/rooms", json={"name": "general", "kind": "public"}, headers=alice).json()["id"]
        client.post(f"/api/rooms/{room}/join", headers=bob).raise_for_status()
        for i in range(40):
            client.post(f"/api/rooms/{room}/messages", json={"body": f"hello {i}"}, headers=bob).raise_for_status()
        client.post("/api/sanctums", json={"slug": "club", "name": "Club"}, headers=alice).raise_for_status()
        client.post("/api/sanctums/club/join", headers=bob).raise_for_status()
        club = client.get("/api/sanctums/club", headers=bob).json()
        sanctum, channel = club["id"], club["room_id"]
        posts = [
            client.post("/api/posts", json={"body": f"post {i}", "sanctum_id": sanctum}, headers=alice).json()["id"]
            for i in range(40)
        ]
        newest = client.get(f"/api/rooms/{room}/messages", headers=bob).json()["items"]
        older_than = newest[len(newest) // 2]["id"]

        kinds: dict[str, Callable[[int], httpx.Response]] = {
            "GET /api/users/me": lambda i: client.get("/api/users/me", headers=bob),
            "GET /api/feed (cached page)": lambda i: client.get("/api/feed", headers=bob),
            "GET /api/feed (page missing the cache)": lambda i: client.get(
                "/api/feed", params={"before": posts[-1 - i % 30], "limit": 10}, headers=bob
            ),
            "GET /api/rooms/{id}/messages (newest)": lambda i: client.get(f"/api/rooms/{room}/messages", headers=bob),
            "GET /api/rooms/{id}/messages (older)": lambda i: client.get(
                f"/api/rooms/{room}/messages", params={"before": older_than - i % 10}, headers=bob
            ),
            "POST /api/rooms/{id}/messages": lambda i: client.post(
                f"/api/rooms/{room}/messages", json={"body": f"more {i}", "client_id": uuid.uuid4().hex}, headers=bob
            ),
            "GET /api/rooms/{id}": lambda i: client.get(f"/api/rooms/{room}", headers=bob),
            "GET /api/rooms/{id} (a sanctum's room)": lambda i: client.get(f"/api/rooms/{channel}", headers=bob),
            "POST /api/rooms/{id}/messages (a sanctum's room)": lambda i: client.post(
                f"/api/rooms/{channel}/messages", json={"body": f"club {i}", "client_id": uuid.uuid4().hex}, headers=bob
            ),
        }
        for kind, request in kinds.items():
            request(-1).raise_for_status()  # warm: the first of a kind may fill caches
            before = counters(client)
            for i in range(requests):
                request(i).raise_for_status()
            after = counters(client)
            delta = {k: (after[k] - before[k]) / requests for k in after}
            # /metrics itself runs no statement, so the deltas are the requests' own.
            rows.append(Row(mode, kind, delta["read"], delta["write"], delta["statements"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["embedded", "scaled", "both"], default="both")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    install_signal_handlers()
    modes: list[Mode] = ["embedded", "scaled"] if args.mode == "both" else [args.mode]
    rows = [row for mode in modes for row in measure(mode, args.requests)]
    print("| mode | request | read tx | write tx | statements |")
    print("| --- | --- | --: | --: | --: |")
    for r in rows:
        print(f"| {r.mode} | `{r.kind}` | {r.read:.2f} | {r.write:.2f} | {r.statements:.2f} |")
    if args.json:
        with open(args.json, "w") as out:
            json.dump([asdict(r) for r in rows], out, indent=2)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
