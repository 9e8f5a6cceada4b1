"""The transactional outbox: a process that dies between a commit and the enqueue of its notification
loses nothing; the next relay (here, of the instance that replaces it) queues the job."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from sanctum.jobs.models import OutboxEntry
from tests.conftest import SettingsFactory
from tests.integration.chat.chat_api import Person
from tests.support.live import LiveServer, ServerFactory, eventually, make_server
from tests.support.settings import FAST_JOBS

__all__ = ["make_server"]


def die_after_commits(server: LiveServer) -> None:
    """As if the process were killed right after each commit: no after-commit enqueue, no relay."""
    outbox = server.app.state.services.jobs.outbox
    assert outbox._task is not None
    outbox._task.cancel()

    async def killed(entry: uuid.UUID, name: str, payload: dict[str, Any]) -> None:
        return None

    outbox._queue_now = killed


async def waiting(server: LiveServer) -> int:
    async with server.app.state.services.db.reader(fresh=True) as db:
        return int((await db.execute(select(func.count()).select_from(OutboxEntry))).scalar_one())


async def test_a_friend_request_whose_process_died_before_queueing_its_notification_is_notified_by_the_relay(
    make_server: ServerFactory, make_settings: SettingsFactory
) -> None:
    jobs = FAST_JOBS.model_copy(update={"outbox_grace_seconds": 0.5, "outbox_poll_seconds": 0.1})
    crashed = await make_server(make_settings(jobs=jobs))
    alice, bob = [Person(crashed.http, await crashed.register()) for _ in range(2)]
    die_after_commits(crashed)

    await bob.ok("POST", "/api/friends/requests", json={"user_id": alice.id})
    assert await waiting(crashed) == 1  # committed with the request, never queued
    await crashed.app.state.services.jobs.drain()
    assert (await alice.ok("GET", "/api/notifications"))["items"] == []

    replacement = await make_server(crashed.settings)
    at_replacement = Person(replacement.http, alice.user)

    async def notified() -> bool:
        items = (await at_replacement.ok("GET", "/api/notifications"))["items"]
        return [(n["kind"], n["actor"]["id"] if n.get("actor") else None) for n in items] == [
            ("friend_request", bob.id)
        ]

    await eventually(notified, within=15.0, interval=0.1)
    await eventually(lambda: _none_left(replacement), within=5.0, interval=0.1)


async def _none_left(server: LiveServer) -> bool:
    return await waiting(server) == 0
