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
- **Tick jitter**: `--rooms` Pong rooms against the hard bot tick at 30 Hz; one socket per room (its
  player, who never moves), split over `--instances` instances in scaled mode, records the arrival
  of every frame (`game.frame` keyframes and `game.delta`s) for `--duration`, from a Node client
  (bench/colyseus_peer/load.mjs, bench/games_peer.py). Reported: frames/s received against the
  expected rooms x 30, and p50/p99/max of |interval - 1/30 s| between consecutive frames of a room
  (jitter as a client sees it, the loopback socket included), plus server CPU % of a core (all
  instances; PostgreSQL and Redis apart).
- **The Colyseus peer** (`--peer colyseus`, the default): the same load against Colyseus 0.18 in the
  same run, installed from npm into /tmp/colyseus-peer by the bench itself (never a product
  dependency), with the same physics and bot (bench/colyseus_peer/server.mjs); Sanctum's CPU and
  jitter are printed as ratios to it.

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
import contextlib
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from _servers import Proc, SanctumServer, another_instance, install_signal_handlers, sanctum_server
from games_peer import PEER_DIR, colyseus_pong, install_peer, node_load, ratios, summary

FAST_ARGON2 = {"AUTH__ARGON2_TIME_COST": "1", "AUTH__ARGON2_MEMORY_KIB": "8192", "AUTH__ARGON2_PARALLELISM": "1"}
SERVER_ENV = FAST_ARGON2 | {
    "GAMES__BOT_DELAY_SECONDS": "0",
    "REALTIME__MESSAGES_PER_SECOND": "1000",
    # The Pong load opens one socket per room, all of one player's.
    "REALTIME__MAX_CONNECTIONS_PER_USER": "1000",
    "REALTIME__TICKET_TTL_SECONDS": "300",  # a thousand tickets are made before the first is used
}
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
    server: SanctumServer,
    http: httpx.AsyncClient,
    owner: Account,
    rooms: list[str],
    duration: float,
    args: argparse.Namespace,
    others: list[tuple[Proc, int]],
) -> dict[str, float]:
    """One socket per room (the room's player, who never moves), spread over the instances, read by the
    Node load client (bench/colyseus_peer/load.mjs), the same client as for the Colyseus peer."""
    auth = {"Authorization": f"Bearer {owner.token}"}
    ports = [server.port, *(port for _, port in others)]
    sockets = []
    for i, room in enumerate(rooms):
        ticket = await http.post("/api/ws/ticket", headers=auth)
        ticket.raise_for_status()
        url = f"ws://127.0.0.1:{ports[i % len(ports)]}/api/ws?ticket={ticket.json()['ticket']}"
        sockets.append({"url": url, "topic": f"game:{room}"})
    listing = server.workdir / "sockets.json"
    listing.write_bytes(orjson.dumps(sockets))
    instances = [server.process, *(proc for proc, _ in others)]
    marks: list[float] = []

    def cpu() -> float:
        return sum(p.cpu_seconds() for p in instances)

    def mark() -> None:
        marks.extend((cpu(), _services_cpu(server)))

    result = await node_load(
        PEER_DIR, ["sanctum", str(listing), "1", str(duration)], args.client_cpus, mark, within=duration + 120
    )
    figures = summary(result, cpu() - marks[0])
    figures["services_cpu_pct"] = (_services_cpu(server) - marks[1]) / result["elapsed"] * 100
    return figures


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
                    with contextlib.ExitStack() as stack:
                        others = []
                        if mode == "scaled" and args.instances > 1:
                            others = [another_instance(stack, server, cpus=args.server_cpus)]
                        result = await pong_run(server, http, owner, rooms, args.duration, args, others)
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
    parser.add_argument("--instances", type=int, default=2, help="scaled Pong: instances, sockets split across them")
    parser.add_argument(
        "--peer", default="colyseus", help="colyseus: run the same Pong load against Colyseus 0.18; none"
    )
    args = parser.parse_args()
    install_signal_handlers()
    if args.client_cpus:
        os.sched_setaffinity(0, {int(c) for c in args.client_cpus.split(",")})

    if args.rooms:
        install_peer()

    async def everything() -> None:
        fours, pongs = {}, {}
        for mode in args.mode.split(","):
            four, pong = await bench_mode(mode, args)
            fours[mode], pongs[mode] = median(four), median(pong)
        if args.rooms and args.peer == "colyseus":
            peer_runs = []
            with tempfile.TemporaryDirectory(prefix="colyseus-bench-") as workdir:
                for run in range(args.runs):
                    result = await colyseus_pong(
                        PEER_DIR, args.rooms, args.duration, args.server_cpus, args.client_cpus, Path(workdir)
                    )
                    log(f"colyseus pong run {run + 1}: {fmt(result)}")
                    peer_runs.append(result)
            peer = median(peer_runs)
            for mode in list(pongs):
                print(f"{mode} / colyseus: " + fmt(ratios(pongs[mode], peer)))
            pongs["colyseus 0.18"] = peer | {"services_cpu_pct": 0.0}
        print(
            table(
                f"Connect Four: {args.games} games over sockets, median of {args.runs} x {args.duration:.0f} s", fours
            )
        )
        print(table(f"Pong: {args.rooms} rooms at {PONG_HZ} Hz, frame arrival jitter, median of {args.runs}", pongs))

    asyncio.run(asyncio.wait_for(everything(), args.max_seconds))


if __name__ == "__main__":
    main()
