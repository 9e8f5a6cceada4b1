"""The social API as a test uses it: sanctums, posts, comments, likes, feeds and friends, one method per
endpoint on top of the chat suite's `Person`.

Methods named after an action assert the expected success status and return the decoded body; `call`
returns the raw response for the tests about errors.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx

from tests.factories import register_user
from tests.integration.chat.chat_api import Person

_slugs = itertools.count(1)


def new_slug(prefix: str = "sanctum") -> str:
    return f"{prefix}-{next(_slugs)}"


class Member(Person):
    # -- sanctums -------------------------------------------------------------------------------

    async def create_sanctum(
        self, name: str = "A sanctum", visibility: str = "public", **fields: Any
    ) -> dict[str, Any]:
        body = {"name": name, "slug": fields.pop("slug", new_slug()), "visibility": visibility, **fields}
        return await self.ok("POST", "/api/sanctums", 201, json=body)

    async def sanctum(self, slug: str) -> dict[str, Any]:
        return await self.ok("GET", f"/api/sanctums/{slug}")

    async def discover(self, **params: Any) -> dict[str, Any]:
        return await self.ok("GET", "/api/sanctums", params=params)

    async def my_sanctums(self) -> list[dict[str, Any]]:
        return (await self.ok("GET", "/api/users/me/sanctums"))["items"]

    async def update_sanctum(self, slug: str, **fields: Any) -> dict[str, Any]:
        return await self.ok("PATCH", f"/api/sanctums/{slug}", json=fields)

    async def join_sanctum(self, slug: str) -> dict[str, Any]:
        return await self.ok("POST", f"/api/sanctums/{slug}/join")

    async def leave_sanctum(self, slug: str) -> None:
        await self.ok("POST", f"/api/sanctums/{slug}/leave", 204)

    async def sanctum_roles(self, slug: str) -> dict[str, str]:
        items = (await self.ok("GET", f"/api/sanctums/{slug}/members"))["items"]
        return {m["user"]["id"]: m["role"] for m in items}

    async def add_to_sanctum(self, slug: str, user_id: str) -> dict[str, Any]:
        return await self.ok("POST", f"/api/sanctums/{slug}/members", json={"user_id": user_id})

    async def set_role(self, slug: str, user_id: str, role: str) -> dict[str, Any]:
        return await self.ok("PUT", f"/api/sanctums/{slug}/members/{user_id}/role", json={"role": role})

    async def remove_from_sanctum(self, slug: str, user_id: str) -> None:
        await self.ok("DELETE", f"/api/sanctums/{slug}/members/{user_id}", 204)

    # -- posts, comments, likes -----------------------------------------------------------------

    async def post(self, body: str, sanctum: dict[str, Any] | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {"body": body}
        if sanctum is not None:
            payload["sanctum_id"] = sanctum["id"]
        return await self.ok("POST", "/api/posts", 201, json=payload)

    async def get_post(self, post_id: int) -> dict[str, Any]:
        return await self.ok("GET", f"/api/posts/{post_id}")

    async def edit_post(self, post_id: int, body: str) -> dict[str, Any]:
        return await self.ok("PATCH", f"/api/posts/{post_id}", json={"body": body})

    async def delete_post(self, post_id: int) -> None:
        await self.ok("DELETE", f"/api/posts/{post_id}", 204)

    async def like(self, post_id: int) -> dict[str, Any]:
        return await self.ok("POST", f"/api/posts/{post_id}/like")

    async def unlike(self, post_id: int) -> dict[str, Any]:
        return await self.ok("DELETE", f"/api/posts/{post_id}/like")

    async def comment(self, post_id: int, body: str, parent_id: int | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {"body": body}
        if parent_id is not None:
            payload["parent_id"] = parent_id
        return await self.ok("POST", f"/api/posts/{post_id}/comments", 201, json=payload)

    async def comments(self, post_id: int, **params: Any) -> dict[str, Any]:
        return await self.ok("GET", f"/api/posts/{post_id}/comments", params=params)

    async def edit_comment(self, comment_id: int, body: str) -> dict[str, Any]:
        return await self.ok("PATCH", f"/api/comments/{comment_id}", json={"body": body})

    async def delete_comment(self, comment_id: int) -> None:
        await self.ok("DELETE", f"/api/comments/{comment_id}", 204)

    async def like_comment(self, comment_id: int) -> dict[str, Any]:
        return await self.ok("POST", f"/api/comments/{comment_id}/like")

    async def feed(self, **params: Any) -> dict[str, Any]:
        return await self.ok("GET", "/api/feed", params=params)

    async def sanctum_posts(self, slug: str, **params: Any) -> dict[str, Any]:
        return await self.ok("GET", f"/api/sanctums/{slug}/posts", params=params)

    async def profile_posts(self, username: str, **params: Any) -> dict[str, Any]:
        return await self.ok("GET", f"/api/users/{username}/posts", params=params)

    # -- friends --------------------------------------------------------------------------------

    async def befriend(self, other: Person) -> dict[str, Any]:
        return await self.ok("POST", "/api/friends/requests", json={"user_id": other.id})

    async def accept(self, other: Person) -> dict[str, Any]:
        return await self.ok("POST", f"/api/friends/requests/{other.id}/accept")

    async def decline(self, other: Person) -> None:
        await self.ok("POST", f"/api/friends/requests/{other.id}/decline", 204)

    async def cancel(self, other: Person) -> None:
        await self.ok("DELETE", f"/api/friends/requests/{other.id}", 204)

    async def unfriend(self, other: Person) -> None:
        await self.ok("DELETE", f"/api/friends/{other.id}", 204)

    async def friend_ids(self) -> set[str]:
        return {f["user"]["id"] for f in (await self.ok("GET", "/api/friends"))["items"]}

    async def friend_requests(self) -> dict[str, list[str]]:
        found = await self.ok("GET", "/api/friends/requests")
        return {side: [r["user"]["id"] for r in found[side]] for side in ("incoming", "outgoing")}

    async def friend_status(self, other: Person) -> str:
        return str((await self.ok("GET", f"/api/friends/{other.id}"))["status"])


async def member(http: httpx.AsyncClient) -> Member:
    return Member(http, await register_user(http))


async def members(http: httpx.AsyncClient, count: int) -> list[Member]:
    return list(await asyncio.gather(*(member(http) for _ in range(count))))


async def make_friends(a: Member, b: Member) -> None:
    await a.befriend(b)
    await b.accept(a)


def post_ids(page: dict[str, Any]) -> list[int]:
    return [p["id"] for p in page["items"]]
