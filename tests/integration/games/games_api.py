"""The games API as a test uses it: a `Gamer` is a chat `Person` with a method per games endpoint."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from typing import Any

import httpx

from sanctum.domains.games.engine.frames import apply
from tests.factories import register_user
from tests.integration.chat.chat_api import Person
from tests.support.live import WsClient

COUNT = "count_to_ten"


class Gamer(Person):
    async def open_room(self, game: str = COUNT, **fields: Any) -> dict[str, Any]:
        return await self.ok("POST", "/api/games/rooms", 201, json={"game": game, **fields})

    async def game_room(self, room_id: str) -> dict[str, Any]:
        return await self.ok("GET", f"/api/games/rooms/{room_id}")

    async def sit(self, room_id: str) -> dict[str, Any]:
        return await self.ok("POST", f"/api/games/rooms/{room_id}/join")

    async def stand(self, room_id: str) -> None:
        await self.ok("POST", f"/api/games/rooms/{room_id}/leave", 204)

    async def play(self, room_id: str, **move: Any) -> dict[str, Any]:
        return await self.ok("POST", f"/api/games/rooms/{room_id}/moves", json={"move": move})

    async def try_move(self, room_id: str, **move: Any) -> httpx.Response:
        return await self.call("POST", f"/api/games/rooms/{room_id}/moves", json={"move": move})

    async def play_now(self, game: str = COUNT) -> dict[str, Any]:
        return await self.ok("POST", "/api/games/play-now", json={"game": game})


async def gamer(http: httpx.AsyncClient) -> Gamer:
    return Gamer(http, await register_user(http))


async def play_out(room_id: str, first: Gamer, second: Gamer, adds: list[int]) -> dict[str, Any]:
    """Alternate the moves `adds` between the two players, starting with `first`; return the last room."""
    room: dict[str, Any] = {}
    for i, add in enumerate(adds):
        room = await (first if i % 2 == 0 else second).play(room_id, add=add)
    return room


class Screen:
    """What a client shows of a real-time room from its socket: the last keyframe (`game.frame`) with
    every delta (`game.delta`) since applied in order. A delta before any keyframe fails the test."""

    def __init__(self, socket: WsClient, topic: str) -> None:
        self.socket, self.topic = socket, topic
        self.view: Any = None
        self.tick: int | None = None

    async def next(self, within: float = 10.0) -> dict[str, Any]:
        """Read up to the room's next frame and show it; the frame."""
        async with asyncio.timeout(within):
            while True:
                frame = await self.socket.recv(within)
                if frame.get("topic") != self.topic or frame["type"] not in ("game.frame", "game.delta"):
                    continue
                data = frame["data"]
                if frame["type"] == "game.frame":
                    self.view, self.tick = copy.deepcopy(data["state"]), data["tick"]
                else:
                    assert self.view is not None, "a delta reached the socket before any keyframe"
                    if data["base"] != self.tick:
                        continue  # one was missed: wait for the next keyframe
                    self.view, self.tick = apply(self.view, data["changes"]), data["tick"]
                return frame

    async def until(self, check: Callable[[Any], bool], within: float = 10.0) -> Any:
        """Show frames until `check(view)` holds; the view."""
        async with asyncio.timeout(within):
            while True:
                await self.next(within)
                if check(self.view):
                    return self.view
