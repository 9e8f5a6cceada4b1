"""The chat API as a test uses it: one `Person` per registered account, with a method per endpoint.

Methods named after an action (`send`, `create_room`, ...) assert the expected success status and
return the decoded body; `call` returns the raw response for the tests about errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

import httpx

from tests.factories import RegisteredUser, register_user

T = TypeVar("T")


class Person:
    def __init__(self, http: httpx.AsyncClient, user: RegisteredUser) -> None:
        self.http = http
        self.user = user

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def username(self) -> str:
        return self.user.username

    def __repr__(self) -> str:
        return f"Person({self.username})"

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.user.headers, **kwargs.pop("headers", {})}
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = await self.call(method, path, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    # -- rooms ----------------------------------------------------------------------------------

    async def create_room(self, name: str, kind: str = "public", **fields: Any) -> dict[str, Any]:
        return await self.ok("POST", "/api/rooms", 201, json={"name": name, "kind": kind, **fields})

    async def room(self, room_id: str) -> dict[str, Any]:
        return await self.ok("GET", f"/api/rooms/{room_id}")

    async def update_room(self, room_id: str, **fields: Any) -> dict[str, Any]:
        return await self.ok("PATCH", f"/api/rooms/{room_id}", json=fields)

    async def directory(self, **params: Any) -> dict[str, Any]:
        return await self.ok("GET", "/api/rooms", params=params)

    async def join(self, room_id: str) -> dict[str, Any]:
        return await self.ok("POST", f"/api/rooms/{room_id}/join")

    async def leave(self, room_id: str) -> None:
        await self.ok("POST", f"/api/rooms/{room_id}/leave", 204)

    async def invite(self, room_id: str, user_id: str) -> list[dict[str, Any]]:
        return (await self.ok("POST", f"/api/rooms/{room_id}/invite", json={"user_id": user_id}))["items"]

    async def members(self, room_id: str) -> list[dict[str, Any]]:
        return (await self.ok("GET", f"/api/rooms/{room_id}/members"))["items"]

    async def member_roles(self, room_id: str) -> dict[str, str]:
        return {m["user"]["id"]: m["role"] for m in await self.members(room_id)}

    async def dm(self, other: Person, status: int | None = None) -> dict[str, Any]:
        response = await self.call("POST", "/api/dms", json={"user_id": other.id})
        assert response.status_code in ((status,) if status else (200, 201)), response.text
        return dict(response.json())

    async def my_rooms(self) -> list[dict[str, Any]]:
        return (await self.ok("GET", "/api/users/me/rooms"))["items"]

    async def my_room(self, room_id: str) -> dict[str, Any]:
        """This room's entry in the caller's room list (fails if it is not there)."""
        entries = [entry for entry in await self.my_rooms() if entry["room"]["id"] == room_id]
        assert len(entries) == 1, f"room {room_id} appears {len(entries)} times in {self.username}'s list"
        return entries[0]

    async def unread(self, room_id: str) -> int:
        return int((await self.my_room(room_id))["unread_count"])

    # -- messages -------------------------------------------------------------------------------

    async def send(self, room_id: str, body: str, status: int = 201, **fields: Any) -> dict[str, Any]:
        return await self.ok("POST", f"/api/rooms/{room_id}/messages", status, json={"body": body, **fields})

    async def reply(self, room_id: str, parent_id: int, body: str, **fields: Any) -> dict[str, Any]:
        path = f"/api/rooms/{room_id}/messages/{parent_id}/replies"
        return await self.ok("POST", path, 201, json={"body": body, **fields})

    async def history(self, room_id: str, **params: Any) -> dict[str, Any]:
        return await self.ok("GET", f"/api/rooms/{room_id}/messages", params=params)

    async def newest(self, room_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """The newest page (the cached one), newest first."""
        return (await self.history(room_id, limit=limit))["items"]

    async def message(self, room_id: str, message_id: int) -> dict[str, Any]:
        """A top-level message as the newest history page shows it."""
        found = [m for m in await self.newest(room_id, 100) if m["id"] == message_id]
        assert found, f"message {message_id} is not on the newest page of {room_id}"
        return found[0]

    async def thread(self, room_id: str, message_id: int, **params: Any) -> dict[str, Any]:
        return await self.ok("GET", f"/api/rooms/{room_id}/messages/{message_id}/thread", params=params)

    async def edit(self, room_id: str, message_id: int, body: str) -> dict[str, Any]:
        return await self.ok("PATCH", f"/api/rooms/{room_id}/messages/{message_id}", json={"body": body})

    async def delete(self, room_id: str, message_id: int) -> None:
        await self.ok("DELETE", f"/api/rooms/{room_id}/messages/{message_id}", 204)

    async def react(self, room_id: str, message_id: int, emoji: str) -> dict[str, Any]:
        path = f"/api/rooms/{room_id}/messages/{message_id}/reactions"
        return await self.ok("POST", path, json={"emoji": emoji})

    async def unreact(self, room_id: str, message_id: int, emoji: str) -> dict[str, Any]:
        return await self.ok("DELETE", f"/api/rooms/{room_id}/messages/{message_id}/reactions/{emoji}")

    async def mark_read(self, room_id: str, message_id: int) -> dict[str, Any]:
        return await self.ok("POST", f"/api/rooms/{room_id}/read", json={"message_id": message_id})

    async def mentions(self, **params: Any) -> dict[str, Any]:
        return await self.ok("GET", "/api/users/me/mentions", params=params)


async def person(http: httpx.AsyncClient) -> Person:
    return Person(http, await register_user(http))


async def people(http: httpx.AsyncClient, count: int) -> list[Person]:
    """`count` registered accounts, each logged in."""
    return list(await asyncio.gather(*(person(http) for _ in range(count))))


def ids(messages: list[dict[str, Any]]) -> list[int]:
    return [m["id"] for m in messages]


def user_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Without the system lines ("Alice joined the room")."""
    return [m for m in messages if m["kind"] == "user"]


async def in_parallel(calls: Iterable[Awaitable[T]], at_once: int = 8) -> list[T]:
    """Await the calls with at most `at_once` in flight (several clients sending at the same time);
    the results come back in the order of the calls."""
    limit = asyncio.Semaphore(at_once)

    async def one(call: Awaitable[T]) -> T:
        async with limit:
            return await call

    return list(await asyncio.gather(*(one(call) for call in calls)))
