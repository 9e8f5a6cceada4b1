"""The transactional outbox: a process that dies between a commit and the enqueue of its jobs loses
nothing; the next relay (here, of the instance that replaces it) queues them. Every job a write use
case asks for goes this way: notifications, link previews, the welcome bot, exports, emails, and
the Web Push a notification job asks for."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from sanctum.jobs.models import OutboxEntry
from sanctum.settings_groups import PushSettings
from tests.conftest import SettingsFactory
from tests.integration.chat.chat_api import Person, user_messages
from tests.support.live import LiveServer, ServerFactory, eventually, make_server
from tests.support.push_endpoint import BrowserKeys, PushEndpoint, run_push_endpoint
from tests.support.settings import FAST_JOBS
from tests.support.social_api import Member

__all__ = ["make_server", "push_endpoint"]


@pytest.fixture
def push_endpoint() -> Iterator[PushEndpoint]:
    yield from run_push_endpoint()


def die_after_commits(server: LiveServer, of: str | None = None) -> None:
    """As if the process were killed right after each commit (of a unit of work that asks for the job
    `of`, if given): no after-commit enqueue of it, and no relay."""
    outbox = server.app.state.services.jobs.outbox
    assert outbox._task is not None
    outbox._task.cancel()
    queue_now = outbox._queue_now

    async def killed(entry: uuid.UUID, name: str, payload: dict[str, Any]) -> None:
        if of is not None and name != of:
            await queue_now(entry, name, payload)

    outbox._queue_now = killed


async def waiting(server: LiveServer) -> int:
    async with server.app.state.services.db.reader(fresh=True) as db:
        return int((await db.execute(select(func.count()).select_from(OutboxEntry))).scalar_one())


async def waiting_jobs(server: LiveServer) -> list[str]:
    async with server.app.state.services.db.reader(fresh=True) as db:
        return sorted((await db.execute(select(OutboxEntry.job))).scalars())


async def test_a_friend_request_whose_process_died_before_queueing_its_notification_is_notified_by_the_relay(
    make_server: ServerFactory, make_settings: SettingsFactory
) -> None:
    jobs = FAST_JOBS.model_copy(update={"outbox_grace_seconds": 0.5, "outbox_poll_seconds": 0.1})
    crashed = await make_server(make_settings(jobs=jobs))
    alice, bob = [Person(crashed.http, await crashed.register()) for _ in range(2)]
    await crashed.app.state.services.jobs.settle()
    die_after_commits(crashed)
    before = await waiting_jobs(crashed)

    await bob.ok("POST", "/api/friends/requests", json={"user_id": alice.id})
    after = await waiting_jobs(crashed)
    assert len(after) == len(before) + 1  # committed with the request, never queued
    assert "notifications.friend_request" in after
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


async def test_every_job_a_write_asks_for_survives_a_process_that_died_right_after_the_commit(
    make_server: ServerFactory, make_settings: SettingsFactory
) -> None:
    jobs = FAST_JOBS.model_copy(update={"outbox_grace_seconds": 0.5, "outbox_poll_seconds": 0.1})
    crashed = await make_server(make_settings(jobs=jobs))
    owner = Member(crashed.http, await crashed.register())
    sanctum = await owner.create_sanctum("Crash club")
    await crashed.app.state.services.jobs.settle()
    die_after_commits(crashed)
    before = await waiting_jobs(crashed)

    alice, bob = [Member(crashed.http, await crashed.register()) for _ in range(2)]  # verification emails
    dm = await alice.dm(bob)
    await alice.send(dm["id"], "see http://127.0.0.1:9/page")  # bob hears of it; its link gets a card
    room = await alice.create_room("Crashing")
    await bob.join(room["id"])
    first = await alice.send(room["id"], "a thread")
    await bob.send(room["id"], "a reply", parent_message_id=first["id"])  # alice hears of the reply
    await bob.react(room["id"], first["id"], "👍")
    post = await alice.post(f"hello @{bob.username} http://127.0.0.1:9/post")
    comment = await bob.comment(post["id"], "nice")
    await alice.comment(post["id"], "thanks", parent_id=comment["id"])
    await bob.like(post["id"])
    await bob.join_sanctum(sanctum["slug"])  # the welcome bot greets bob
    await alice.ok("POST", "/api/exports", 202)

    asked = await waiting_jobs(crashed)
    for job in before:
        asked.remove(job)
    assert sorted(asked) == sorted(
        [
            "security.send_verification",
            "security.send_verification",
            "notifications.message",
            "chat.link_previews",
            "notifications.thread_reply",
            "notifications.reaction",
            "notifications.post_mention",
            "posts.link_previews",
            "notifications.comment",
            "notifications.reply",
            "notifications.like",
            "chat.welcome",
            "exports.build",
        ]
    )
    await crashed.app.state.services.jobs.drain()
    assert (await alice.ok("GET", "/api/notifications"))["items"] == []

    replacement = await make_server(crashed.settings)
    alice_now, bob_now = Member(replacement.http, alice.user), Member(replacement.http, bob.user)

    async def kinds(person: Member) -> set[str]:
        return {n["kind"] for n in (await person.ok("GET", "/api/notifications"))["items"]}

    async def delivered() -> bool:
        greeted = [m for m in user_messages(await bob_now.newest(sanctum["room_id"])) if m["author"]["is_bot"]]
        exports = (await alice_now.ok("GET", "/api/exports"))["items"]
        return (
            await kinds(alice_now) == {"thread_reply", "reaction", "comment", "like"}
            and await kinds(bob_now) == {"message", "post_mention", "reply"}
            and len(greeted) == 1
            and exports[0]["status"] != "pending"
        )

    await eventually(delivered, within=20.0, interval=0.2)
    await eventually(lambda: _none_left(replacement), within=5.0, interval=0.1)


async def test_a_push_whose_worker_died_right_after_the_notification_committed_reaches_the_browser_once(
    make_server: ServerFactory, make_settings: SettingsFactory, push_endpoint: PushEndpoint
) -> None:
    jobs = FAST_JOBS.model_copy(update={"outbox_grace_seconds": 0.5, "outbox_poll_seconds": 0.1})
    push = PushSettings(allowed_hosts=["127.0.0.1"], allow_http=True)
    crashed = await make_server(make_settings(jobs=jobs, push=push))
    alice, bob = [Person(crashed.http, await crashed.register()) for _ in range(2)]
    browser = BrowserKeys()
    await alice.ok("POST", "/api/push/subscriptions", 201, json=browser.subscription(push_endpoint.url + "/push/alice"))
    await crashed.app.state.services.jobs.settle()
    die_after_commits(crashed, of="push.deliver")
    before = await waiting_jobs(crashed)

    await bob.ok("POST", "/api/friends/requests", json={"user_id": alice.id})
    await crashed.app.state.services.jobs.settle()
    # The notification job ran and committed, with its push in the outbox; the process died before
    # queueing the push, and before its relay deleted the notification job's row (queued, so done).
    assert [n["kind"] for n in (await alice.ok("GET", "/api/notifications"))["items"]] == ["friend_request"]
    asked = await waiting_jobs(crashed)
    for job in before:
        asked.remove(job)
    assert asked == ["notifications.friend_request", "push.deliver"]
    assert push_endpoint.received == []

    replacement = await make_server(crashed.settings)

    await eventually(lambda: len(push_endpoint.received) == 1, within=15.0, interval=0.1)
    await eventually(lambda: _none_left(replacement), within=5.0, interval=0.1)
    await replacement.app.state.services.jobs.settle()
    [pushed] = push_endpoint.to("/push/alice")
    message = browser.decrypt(pushed.body)
    assert message["url"] == "/friends" and message["body"] == f"{bob.username} sent you a friend request"
    # The notification job ran again (relayed too): idempotent, it made no second notification nor push.
    at_replacement = Person(replacement.http, alice.user)
    assert [n["kind"] for n in (await at_replacement.ok("GET", "/api/notifications"))["items"]] == ["friend_request"]
    assert len(push_endpoint.received) == 1
