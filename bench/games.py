"""Games benchmark: rooms per instance (Connect Four over sockets) and real-time tick jitter (Pong).

    .venv/bin/python bench/games.py --mode embedded,scaled --games 50 --duration 20 --runs 3
    .venv/bin/python bench/games.py --mode embedded --games 5 --duration 3 --runs 1 --rooms 10   # smoke

What it measures, per mode:

- **Connect Four**: `--games` pairs of users, each player on a socket of their own subscribed to the
  room's `game:{id}` topic. The player to move sends `game.move` with a random playable column as
  soon as the previous move's `game.moved` reaches them; a finished game is replaced by a new room
  for the same pair. Reported: accepted moves/s over `--duration`, p50/p99 move-to-update latency
  (from sending `game.move` to the opponent receiving that move's `game.moved`, both clocks in this
  process), refused moves (should be 0), and server CPU per move (/proc utime + stime of the
  Sanctum process; with PostgreSQL and Redis in scaled mode, listed apart).
- **Tick jitter**: `--rooms` Pong rooms against the hard bot tick at 30 Hz on one instance; sockets
  subscribed to every room record `game.frame` arrival times for `--duration`. Reported: frames/s
  received against the expected rooms x 30, and p50/p99/max of |interval - 1/30 s| between
  consecutive frames of a room (jitter as a client sees it, the loopback socket included), plus
  server CPU % of a core.

The server runs on core `--server-cpus` (0), this load generator on `--client-cpus` (1); each
mode gets a fresh server (bench/_servers.py: private PostgreSQL and Redis in scaled mode); every
number is the median over `--runs`. Bounded: loopback only, timeouts on every wait, and every
process it starts is stopped on exit, error or Ctrl-C.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see below)
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py shadows the standard library's `http` package: move bench/ to the end of sys.path.
_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import asyncio
import itertools
import os
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from _servers import SanctumServer, install_signal_handlers, sanctum_server

FAST_ARGON2 = {"AUTH__ARGON2_TIME_COST": "1", "AUTH__ARGON2_MEMORY_KIB": "8192", "AUTH__ARGON2_PARALLELISM": "1"}
SERVER_ENV = FAST_ARGON2 | {"GAMES__BOT_DELAY_SECONDS": "0", "REALTIME__MESSAGES_PER_SECOND": "1000"}
PONG_HZ = 30
PASSWORD = "bench-password-42"
# uvicorn closes a keep-alive connection after 5 s idle, httpx's default expiry: a request on a
# connection idle for just that long could meet the close (httpx.ReadError). Expire ours first.
CLIENT_LIMITS = httpx.Limits(keepalive_expiry=2.0)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- accounts and sockets --------------------------------------------------------------------------


@dataclass
class Account:
    id: str
    token: str


async def register(http: httpx.AsyncClient, name: str) -> Account:
    body = {"username": name, "email": f"{name}@bench.example", "password": PASSWORD}
    response = await http.post("/api/auth/register", json=body)
    response.raise_for_status()
    login = await http.post("/api/auth/login", json={"login": name, "password": PASSWORD})
    login.raise_for_status()
    token = login.json()["access_token"]
    me = await http.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
    return Account(me.json()["id"], token)


async def open_socket(http: httpx.AsyncClient, port: int, account: Account) -> ClientConnection:
    ticket = await http.post("/api/ws/ticket", headers={"Authorization": f"Bearer {account.token}"})
    ticket.raise_for_status()
    ws = await connect(
        f"ws://127.0.0.1:{port}/api/ws?ticket={ticket.json()['ticket']}", proxy=None, max_size=2**22, open_timeout=10
    )
    await asyncio.wait_for(ws.recv(), 10)  # hello
    return ws


async def subscribe(ws: ClientConnection, topic: str) -> None:
    await ws.send(orjson.dumps({"type": "subscribe", "topic": topic, "cid": topic}).decode())


# -- Connect Four ----------------------------------------------------------------------------------


@dataclass
class Pair:
    players: list[Account]
    sockets: list[ClientConnection] = field(default_factory=list)
    room_id: str = ""
    sent: dict[int, float] = field(default_factory=dict)  # version the move will make -> send time


@dataclass
class FourStats:
    moves: int = 0
    refused: int = 0
    games: int = 0
    latencies: list[float] = field(default_factory=list)


async def new_room(http: httpx.AsyncClient, pair: Pair) -> dict[str, Any]:
    a, b = pair.players
    if pair.room_id:
        for ws in pair.sockets:
            await ws.send(orjson.dumps({"type": "unsubscribe", "topic": f"game:{pair.room_id}"}).decode())
    room = await http.post(
        "/api/games/rooms",
        json={"game": "connect_four", "public": False},
        headers={"Authorization": f"Bearer {a.token}"},
    )
    room.raise_for_status()
    pair.room_id = room.json()["id"]
    for ws in pair.sockets:
        await subscribe(ws, f"game:{pair.room_id}")
    joined = await http.post(f"/api/games/rooms/{pair.room_id}/join", headers={"Authorization": f"Bearer {b.token}"})
    joined.raise_for_status()
    body: dict[str, Any] = joined.json()
    return body


async def send_move(pair: Pair, state: dict[str, Any], version: int, rng: random.Random) -> None:
    turn = state.get("turn")
    seat = 0 if turn == pair.players[0].id else 1 if turn == pair.players[1].id else None
    if seat is None or not state.get("playable"):
        return
    pair.sent[version + 1] = time.perf_counter()
    move = {"column": rng.choice(state["playable"])}
    frame = {"type": "game.move", "topic": f"game:{pair.room_id}", "move": move}
    await pair.sockets[seat].send(orjson.dumps(frame).decode())


async def drive_pair(
    http: httpx.AsyncClient, pair: Pair, stats: FourStats, until: float, rng: random.Random, measuring: list[bool]
) -> None:
    """Play games back to back until `until`; both sockets feed one queue of (seat, frame)."""
    queue: asyncio.Queue[tuple[int, dict[str, Any]]] = asyncio.Queue()

    async def reader(seat: int, ws: ClientConnection) -> None:
        async for raw in ws:
            await queue.put((seat, orjson.loads(raw)))

    readers = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(pair.sockets)]
    try:
        room = await new_room(http, pair)
        await send_move(pair, room["state"], room["version"], rng)
        while time.monotonic() < until:
            try:
                seat, frame = await asyncio.wait_for(queue.get(), max(0.01, until - time.monotonic()))
            except TimeoutError:
                break
            kind = frame.get("type")
            if kind == "error":
                stats.refused += measuring[0]
                continue
            if frame.get("topic") != f"game:{pair.room_id}" or kind not in ("game.moved", "game.ended"):
                continue
            data = frame["data"]
            if kind == "game.moved":
                mover_seat = 0 if data["player"] == pair.players[0].id else 1
                if seat == mover_seat:
                    continue  # the opponent's copy is the one that counts (and drives the next move)
                started = pair.sent.pop(data["version"], None)
                if measuring[0]:
                    stats.moves += 1
                    if started is not None:
                        stats.latencies.append(time.perf_counter() - started)
                if data["status"] == "active":
                    await send_move(pair, data["state"], data["version"], rng)
            elif seat == 0:
                stats.games += measuring[0]
                pair.sent.clear()
                room = await new_room(http, pair)
                await send_move(pair, room["state"], room["version"], rng)
    finally:
        for task in readers:
            task.cancel()


async def connect_four_run(
    server: SanctumServer, pairs: list[Pair], duration: float, warmup: float
) -> dict[str, float]:
    stats = FourStats()
    measuring = [False]
    rng = random.Random(42)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30, limits=CLIENT_LIMITS) as http:
        start = time.monotonic()
        tasks = [
            asyncio.create_task(drive_pair(http, p, stats, start + warmup + duration, rng, measuring)) for p in pairs
        ]
        await asyncio.sleep(warmup)
        measuring[0] = True
        cpu0, svc0, t0 = server.process.cpu_seconds(), _services_cpu(server), time.monotonic()
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - t0
        cpu, svc = server.process.cpu_seconds() - cpu0, _services_cpu(server) - svc0
    moves = max(1, stats.moves)
    return {
        "moves_per_s": stats.moves / elapsed,
        "games": stats.games,
        "p50_ms": percentile(stats.latencies, 0.50) * 1000,
        "p99_ms": percentile(stats.latencies, 0.99) * 1000,
        "refused": stats.refused,
        "server_us_per_move": cpu / moves * 1e6,
        "services_us_per_move": svc / moves * 1e6,
        "server_cpu_pct": cpu / elapsed * 100,
    }


def _services_cpu(server: SanctumServer) -> float:
    return sum(s.cpu_seconds() for s in server.services)


# -- Pong tick jitter ------------------------------------------------------------------------------


async def pong_run(
    server: SanctumServer, http: httpx.AsyncClient, owner: Account, rooms: list[str], duration: float
) -> dict[str, float]:
    arrivals: dict[str, list[float]] = {room: [] for room in rooms}
    sockets = []
    per_socket = 50
    for i in range(0, len(rooms), per_socket):
        ws = await open_socket(http, server.port, owner)
        for room in rooms[i : i + per_socket]:
            await subscribe(ws, f"game:{room}")
        sockets.append(ws)

    settle = 1.0  # loops started, leases taken; frames before that are read but not counted
    t0 = time.monotonic() + settle
    until = t0 + duration
    measured_from = time.perf_counter() + settle

    async def reader(ws: ClientConnection) -> None:
        while time.monotonic() < until:
            try:
                raw = await asyncio.wait_for(ws.recv(), max(0.01, until - time.monotonic()))
            except TimeoutError:
                return
            if isinstance(raw, str) and raw.startswith('{"type":"game.frame"'):
                at = time.perf_counter()
                if at >= measured_from:
                    arrivals[orjson.loads(raw)["topic"].removeprefix("game:")].append(at)

    readers = asyncio.gather(*(reader(ws) for ws in sockets))
    await asyncio.sleep(settle)
    cpu0 = server.process.cpu_seconds()
    await readers
    elapsed = time.monotonic() - t0
    cpu = server.process.cpu_seconds() - cpu0
    for ws in sockets:
        await ws.close()
    period = 1 / PONG_HZ
    jitter = [abs((b - a) - period) for times in arrivals.values() for a, b in itertools.pairwise(times)]
    frames = sum(len(t) for t in arrivals.values())
    return {
        "frames_per_s": frames / elapsed,
        "expected_per_s": len(rooms) * PONG_HZ,
        "jitter_p50_ms": percentile(jitter, 0.50) * 1000,
        "jitter_p99_ms": percentile(jitter, 0.99) * 1000,
        "jitter_max_ms": max(jitter, default=float("nan")) * 1000,
        "server_cpu_pct": cpu / elapsed * 100,
    }


# -- orchestration ---------------------------------------------------------------------------------


async def bench_mode(mode: str, args: argparse.Namespace) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    four_runs: list[dict[str, float]] = []
    pong_runs: list[dict[str, float]] = []
    with sanctum_server(mode, cpus=args.server_cpus, extra_env=SERVER_ENV) as server:  # type: ignore[arg-type]
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30, limits=CLIENT_LIMITS) as http:
            tag = f"b{os.getpid()}{mode[0]}"
            log(f"{mode}: registering {2 * args.games} players")
            sem = asyncio.Semaphore(8)

            async def one(i: int) -> Account:
                async with sem:
                    return await register(http, f"{tag}p{i}")

            accounts = await asyncio.gather(*(one(i) for i in range(2 * args.games + 1)))
            pairs = [Pair([accounts[2 * i], accounts[2 * i + 1]]) for i in range(args.games)]
            for pair in pairs:
                pair.sockets = [await open_socket(http, server.port, a) for a in pair.players]
            for run in range(args.runs):
                result = await connect_four_run(server, pairs, args.duration, args.warmup)
                log(f"{mode} connect four run {run + 1}: {fmt(result)}")
                four_runs.append(result)
            for pair in pairs:
                for ws in pair.sockets:
                    await ws.close()
            if args.rooms:
                owner = accounts[-1]
                auth = {"Authorization": f"Bearer {owner.token}"}
                for run in range(args.runs):
                    # Fresh rooms each run: the bot scores against an idle player, and a room that
                    # reached its points would stop sending frames mid-run.
                    rooms = []
                    for _ in range(args.rooms):
                        body = {"game": "pong", "vs_bot": True, "bot_level": "hard", "options": {"points_to_win": 21}}
                        created = await http.post("/api/games/rooms", json=body, headers=auth)
                        created.raise_for_status()
                        rooms.append(created.json()["id"])
                    result = await pong_run(server, http, owner, rooms, args.duration)
                    log(f"{mode} pong run {run + 1}: {fmt(result)}")
                    pong_runs.append(result)
                    for room in rooms:  # ends them: the next run has only its own rooms ticking
                        (await http.post(f"/api/games/rooms/{room}/leave", headers=auth)).raise_for_status()
    return four_runs, pong_runs


def fmt(result: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:.1f}" for k, v in result.items())


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]} if runs else {}


def table(title: str, rows: dict[str, dict[str, float]]) -> str:
    if not rows:
        return ""
    keys = list(next(iter(rows.values())))
    lines = [f"### {title}", "", "| mode | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for mode, values in rows.items():
        lines.append(f"| {mode} | " + " | ".join(f"{values[k]:.1f}" for k in keys) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", default="embedded,scaled")
    parser.add_argument("--games", type=int, default=50, help="concurrent Connect Four games")
    parser.add_argument("--rooms", type=int, default=100, help="Pong rooms for the tick-jitter part (0: skip)")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--server-cpus", default="0")
    parser.add_argument("--client-cpus", default="1")
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    args = parser.parse_args()
    install_signal_handlers()
    if args.client_cpus:
        os.sched_setaffinity(0, {int(c) for c in args.client_cpus.split(",")})

    async def everything() -> None:
        fours, pongs = {}, {}
        for mode in args.mode.split(","):
            four, pong = await bench_mode(mode, args)
            fours[mode], pongs[mode] = median(four), median(pong)
        print(
            table(
                f"Connect Four: {args.games} games over sockets, median of {args.runs} x {args.duration:.0f} s", fours
            )
        )
        print(table(f"Pong: {args.rooms} rooms at {PONG_HZ} Hz, frame arrival jitter, median of {args.runs}", pongs))

    asyncio.run(asyncio.wait_for(everything(), args.max_seconds))


if __name__ == "__main__":
    main()
