"""The moderation API as a test uses it: roles, the audit log, pins, mutes, bans and suspensions, on top
of the social suite's `Member`; `Site` holds one app instance and makes its site admins."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from sanctum.domains.accounts.schemas import RegisterRequest
from sanctum.domains.accounts.service import ClientInfo
from tests.factories import DEFAULT_PASSWORD, RegisteredUser, login
from tests.support.social_api import Member, members


class Moderator(Member):
    async def roles(self, slug: str) -> dict[str, Any]:
        return await self.ok("GET", f"/api/sanctums/{slug}/roles")

    async def create_role(self, slug: str, name: str, permissions: list[str]) -> dict[str, Any]:
        return await self.ok(
            "POST", f"/api/sanctums/{slug}/roles", 201, json={"name": name, "permissions": permissions}
        )

    async def audit(self, **params: Any) -> list[dict[str, Any]]:
        return (await self.ok("GET", "/api/audit", params=params))["items"]

    async def pin(self, room_id: str, message_id: int) -> dict[str, Any]:
        return await self.ok("POST", f"/api/rooms/{room_id}/messages/{message_id}/pin")

    async def pins(self, room_id: str) -> list[dict[str, Any]]:
        return (await self.ok("GET", f"/api/rooms/{room_id}/pins"))["items"]

    async def mute(self, room_id: str, user_id: str, seconds: int = 600) -> dict[str, Any]:
        return await self.ok("POST", f"/api/rooms/{room_id}/mutes/{user_id}", json={"duration_seconds": seconds})

    async def ban(self, slug: str, user_id: str, reason: str = "") -> None:
        await self.ok("POST", f"/api/sanctums/{slug}/bans/{user_id}", 204, json={"reason": reason})


def as_moderators(people: list[Member]) -> list[Moderator]:
    return [Moderator(p.http, p.user) for p in people]


async def moderators(http: httpx.AsyncClient, count: int) -> list[Moderator]:
    return as_moderators(await members(http, count))


@dataclass
class Site:
    app: FastAPI
    http: httpx.AsyncClient

    async def admin(self) -> Moderator:
        """A site admin, made as `sanctum create-admin` makes one."""
        name = f"admin_{uuid.uuid4().hex[:8]}"
        email = f"{name}@example.com"
        request = RegisterRequest(username=name, email=email, password=DEFAULT_PASSWORD)
        services = self.app.state.services
        user = await services.accounts.register(request, ClientInfo("test", "test"), is_admin=True)
        tokens = await login(self.http, name)
        registered = RegisteredUser(
            id=str(user.id), username=name, email=email, password=DEFAULT_PASSWORD, tokens=tokens
        )
        return Moderator(self.http, registered)

    async def people(self, count: int) -> list[Moderator]:
        return await moderators(self.http, count)
