"""The notifications API as the tests use it, and a handle on an app instance's job queue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from sanctum.domains.notifications.notify import Notifier
from sanctum.jobs.queue import TaskiqJobQueue
from tests.factories import register_user
from tests.integration.chat.chat_api import Person


@dataclass
class Instance:
    app: FastAPI
    http: httpx.AsyncClient

    @property
    def jobs(self) -> TaskiqJobQueue:
        queue: TaskiqJobQueue = self.app.state.services.jobs
        return queue

    @property
    def notifier(self) -> Notifier:
        notifier: Notifier = self.app.state.services.notifier
        return notifier

    async def settle(self) -> None:
        """Every job queued so far has run (in-process embedded, through Redis scaled)."""
        await self.jobs.settle()

    async def person(self) -> Reader:
        return Reader(self.http, await register_user(self.http))


class Reader(Person):
    """A registered account reading its notifications (and, as a chat `Person`, chatting)."""

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(self.user.id)

    async def notifications(self, **params: Any) -> dict[str, Any]:
        page: dict[str, Any] = await self.ok("GET", "/api/notifications", params=params)
        return page

    async def items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = (await self.notifications(limit=100))["items"]
        return items

    async def unread(self) -> int:
        return int((await self.ok("GET", "/api/notifications/unread-count"))["unread"])

    async def mark_read(self, notification_id: int) -> dict[str, Any]:
        body: dict[str, Any] = await self.ok("POST", f"/api/notifications/{notification_id}/read")
        return body

    async def mark_all_read(self) -> int:
        return int((await self.ok("POST", "/api/notifications/read-all"))["unread"])
