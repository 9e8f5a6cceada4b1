"""The games API as a test uses it: a `Gamer` is a chat `Person` with a method per games endpoint."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import register_user
from tests.integration.chat.chat_api import Person

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
