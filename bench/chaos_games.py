"""The game load of bench/chaos.py: pairs of players playing connect four through nginx, move after move.

A table is two players; one opens a room, the other sits, and they alternate moves over HTTP
(`POST /api/games/rooms/{id}/moves` with the room's `version` the mover saw), retrying a failed move
with the same version, as the web client does: a retry of a move that was applied answers 200 with the
room as it is, so a move is never played twice. When a game ends the next opens at once (the players
take turns opening). Each move is chosen from the room's `playable` columns, so a move is refused only
if the server and the client disagree on the game.

Checked after each step (the table's lock keeps a move from being half-counted): every accepted move
is stored once, in order, in its room (the room's `moves` as the server reads it from the database):
`lost` counts accepted moves missing there, `duplicated` moves stored that were never accepted (or
twice), `refused` moves the server refused (a 409 such as NOT_YOUR_TURN or STALE_VERSION: the client
and the server disagreed).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

GAME = "connect_four"


class Player(Protocol):
    name: str
    token: str
    user_id: str


def _auth(player: Player) -> dict[str, str]:
    return {"Authorization": f"Bearer {player.token}"}


@dataclass
class MoveCounts:
    accepted: int = 0
    refused: int = 0
    server_errors: int = 0
    transport_errors: int = 0


@dataclass
class Table:
    players: tuple[Player, Player]
    accepted: dict[str, list[int]] = field(default_factory=dict)  # room id -> columns accepted, in order
    checked: set[str] = field(default_factory=set)  # finished rooms whose stored moves matched
    counts: MoveCounts = field(default_factory=MoveCounts)
    last_accepted: float = 0.0  # monotonic time of the last accepted move
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class GameFigures:
    accepted: int
    lost: int
    duplicated: int
    refused: int
    server_errors: int
    transport_errors: int
    games: int
    recovery_seconds: float | None


async def _call(http: httpx.AsyncClient, table: Table, method: str, path: str, player: Player, **kw: Any) -> Any:
    """One request, retried until it answers 2xx; a refusal (4xx) is returned as None."""
    while True:
        try:
            response = await http.request(method, path, headers=_auth(player), **kw)
        except httpx.HTTPError:
            table.counts.transport_errors += 1
            await asyncio.sleep(0.2)
            continue
        if response.status_code < 300:
            return response.json()
        if response.status_code >= 500:
            table.counts.server_errors += 1
            await asyncio.sleep(0.2)
            continue
        if response.status_code == 429:
            await asyncio.sleep(0.2)
            continue
        return None


async def _new_game(http: httpx.AsyncClient, table: Table, opener: int) -> dict[str, Any]:
    host, guest = table.players[opener], table.players[1 - opener]
    while True:
        room = await _call(http, table, "POST", "/api/games/rooms", host, json={"game": GAME})
        if room is None:
            await asyncio.sleep(1.0)
            continue
        table.accepted[room["id"]] = []
        seated: dict[str, Any] | None = await _call(http, table, "POST", f"/api/games/rooms/{room['id']}/join", guest)
        if seated is not None:
            return seated


async def play_steadily(http: httpx.AsyncClient, table: Table, rate: float, stop: asyncio.Event) -> None:
    """Play game after game at `rate` moves a second until `stop`."""
    opener = 0
    room = await _new_game(http, table, opener)
    by_id = {p.user_id: p for p in table.players}
    while not stop.is_set():
        async with table.lock:
            if room["status"] == "finished":
                opener = 1 - opener
                room = await _new_game(http, table, opener)
                continue
            state = room["state"]
            mover = by_id[state["turn"]]
            playable = state["playable"]
            column = playable[(len(state["moves"]) * 3) % len(playable)]
            body = {"move": {"column": column}, "version": room["version"]}
            path = f"/api/games/rooms/{room['id']}/moves"
            answer = await _call(http, table, "POST", path, mover, json=body)
            if answer is None:  # refused: the client's view was wrong; read the room again
                table.counts.refused += 1
                room = await _call(http, table, "GET", f"/api/games/rooms/{room['id']}", mover) or room
                continue
            room = answer
            table.accepted[room["id"]].append(column)
            table.counts.accepted += 1
            table.last_accepted = time.monotonic()
        await asyncio.sleep(1 / rate)


async def stored_moves(http: httpx.AsyncClient, table: Table, room_id: str) -> tuple[list[int], bool]:
    room = await _call(http, table, "GET", f"/api/games/rooms/{room_id}", table.players[0])
    assert room is not None, f"room {room_id} cannot be read"
    return list(room["state"]["moves"]), room["status"] == "finished"


async def check(http: httpx.AsyncClient, tables: list[Table]) -> tuple[int, int]:
    """(lost, duplicated) over every game played so far, each table paused while it is read."""
    lost = duplicated = 0
    for table in tables:
        async with table.lock:
            for room_id, accepted in table.accepted.items():
                if room_id in table.checked:
                    continue
                stored, finished = await stored_moves(http, table, room_id)
                same = 0
                while same < min(len(stored), len(accepted)) and stored[same] == accepted[same]:
                    same += 1
                lost += len(accepted) - same
                duplicated += len(stored) - same
                if finished and stored == accepted:
                    table.checked.add(room_id)
    return lost, duplicated


async def moving_again(tables: list[Table], since: float, started: float, within: float = 90.0) -> float | None:
    """Seconds from `started` until every table has had a move accepted after `since`."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if all(t.last_accepted > since for t in tables):
            return max(t.last_accepted for t in tables) - started
        await asyncio.sleep(0.05)
    return None


def snapshot(tables: list[Table]) -> list[MoveCounts]:
    return [MoveCounts(**vars(t.counts)) for t in tables]


async def figures(
    http: httpx.AsyncClient, tables: list[Table], before: list[MoveCounts], recovery: float | None
) -> GameFigures:
    lost, duplicated = await check(http, tables)
    now = [t.counts for t in tables]

    def delta(name: str) -> int:
        return sum(getattr(n, name) - getattr(b, name) for n, b in zip(now, before, strict=True))

    return GameFigures(
        accepted=delta("accepted"),
        lost=lost,
        duplicated=duplicated,
        refused=delta("refused"),
        server_errors=delta("server_errors"),
        transport_errors=delta("transport_errors"),
        games=sum(len(t.accepted) for t in tables),
        recovery_seconds=recovery,
    )
