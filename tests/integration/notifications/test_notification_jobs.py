"""Notification jobs: idempotency, like aggregation, retries with backoff, the dead-letter queue and its
admin command, and the job metrics. Both modes (in-process queue embedded, the Redis stream scaled)."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from sanctum.db.eventlog import read_events
from sanctum.domains.notifications.notify import job_name
from sanctum.settings import Settings
from tests.integration.notifications.notifications_api import Instance
from tests.support.live import sample
from tests.support.processes import run_sanctum


async def logged_types(instance: Instance, user_id: str) -> list[str]:
    async with instance.app.state.services.db.reader() as session:
        return [e.type for e in await read_events(session, f"user:{user_id}", after=0)]


async def test_a_job_run_twice_makes_one_notification_and_one_event(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    payload = {"to": bob.id, "by": alice.id, "room_id": str(uuid.uuid4()), "message_id": "42"}

    assert await instance.jobs.runner.run(job_name("mention"), payload) == "success"
    assert await instance.jobs.runner.run(job_name("mention"), payload) == "success"
    await instance.jobs.enqueue(job_name("mention"), payload)  # and a redelivery through the queue
    await instance.settle()

    [item] = await bob.items()
    assert item["kind"] == "mention" and item["data"]["message_id"] == "42"
    assert await bob.unread() == 1
    assert await logged_types(instance, bob.id) == ["notification.created"]


async def test_likes_of_one_post_aggregate_into_one_notification_that_is_unread_again(instance: Instance) -> None:
    bob = await instance.person()
    likers = [await instance.person() for _ in range(4)]
    post = uuid.uuid4()

    async def like(person: Any) -> None:
        await instance.notifier.like(owner=bob.uuid, by=person.uuid, target="post", target_id=post, post_id=post)

    await like(likers[0])
    await instance.settle()
    [first] = await bob.items()
    assert first["text"] == f"{likers[0].username} liked your post" and first["actor_count"] == 1
    await bob.mark_read(first["id"])

    for person in likers[1:]:
        await like(person)
    await like(likers[1])  # the same liker again counts once
    await instance.settle()

    [item] = await bob.items()
    assert item["id"] == first["id"]
    assert item["actor_count"] == 4 and item["read"] is False
    assert item["actor"]["username"] in {p.username for p in likers[1:]}
    assert item["text"] == f"{item['actor']['username']} and 3 others liked your post"
    assert item["updated_at"] > first["updated_at"]
    assert await bob.unread() == 1
    types = await logged_types(instance, bob.id)
    assert types[0] == "notification.created" and types.count("notification.updated") == 3

    comment = uuid.uuid4()
    await instance.notifier.like(owner=bob.uuid, by=likers[0].uuid, target="comment", target_id=comment, post_id=post)
    await instance.settle()
    newest, older = await bob.items()
    assert newest["text"] == f"{likers[0].username} liked your comment" and older["id"] == first["id"]


def cli_env(settings: Settings) -> dict[str, str]:
    env = {"DATABASE_URL": settings.database_url, "APP_ENV": "test", "SECRET_KEY": "x" * 40, "LOG_LEVEL": "warning"}
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    return env


async def test_a_failing_job_is_retried_with_backoff_then_dead_lettered_then_rerun_by_the_admin_command(
    instance: Instance, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    alice, bob = await instance.person(), await instance.person()
    job = job_name("friend_request")
    service = instance.app.state.services.notifications
    calls = 0

    async def database_down(*args: Any) -> None:
        nonlocal calls
        calls += 1
        raise ConnectionError("database unavailable")

    before = {o: sample("jobs_completed_total", job=job, outcome=o) for o in ("retry", "dead", "success")}
    monkeypatch.setattr(service, "deliver", database_down)
    await instance.notifier.friend_request(to=bob.uuid, by=alice.uuid)
    await instance.settle()
    monkeypatch.undo()

    attempts = instance.app.state.services.settings.jobs.max_attempts
    assert calls == attempts
    assert sample("jobs_completed_total", job=job, outcome="retry") - before["retry"] == attempts - 1
    assert sample("jobs_completed_total", job=job, outcome="dead") - before["dead"] == 1
    assert sample("jobs_dead_letter", job=job) == 1
    assert await bob.items() == []
    [letter] = await instance.jobs.dead_letters()
    assert (letter.job, letter.attempts) == (job, attempts)
    assert "database unavailable" in letter.error

    settings = instance.app.state.services.settings
    listed = await asyncio.to_thread(run_sanctum, "jobs", "dead-letter", "list", cwd=tmp_path, **cli_env(settings))
    assert listed.returncode == 0, listed.stderr
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["id"], row["job"], row["payload"]) == (letter.id, job, {"to": bob.id, "by": alice.id})

    retried = await asyncio.to_thread(
        run_sanctum, "jobs", "dead-letter", "retry", str(letter.id), cwd=tmp_path, **cli_env(settings)
    )
    assert retried.returncode == 0, retried.stderr
    assert f"job {letter.id} ({job})" in retried.stdout
    await instance.settle()

    [item] = await bob.items()
    assert item["kind"] == "friend_request" and item["actor"]["username"] == alice.username
    assert await instance.jobs.dead_letters() == []
    assert await instance.jobs.retry_dead_letter(letter.id) is None  # retried already: nothing to do


@pytest.mark.scaled_only
async def test_queue_depth_and_the_age_of_the_oldest_waiting_job_are_sampled_from_the_stream(
    make_settings: Any, make_client: Any
) -> None:
    from sanctum.main import create_app
    from tests.support.settings import FAST_JOBS

    # No worker consumes here, so what is queued waits.
    app = create_app(make_settings(jobs=FAST_JOBS.model_copy(update={"in_app_worker": False})))
    instance = Instance(app, await make_client(app=app))
    alice, bob = await instance.person(), await instance.person()
    payload = {"to": bob.id, "by": alice.id, "room_id": str(uuid.uuid4()), "message_id": "1"}
    await instance.jobs.sample_metrics()
    queued = sample("jobs_queue_depth")  # the two registrations' verification emails wait already

    for _ in range(3):
        await instance.jobs.enqueue(job_name("mention"), payload)
    await asyncio.sleep(1.0)
    await instance.jobs.sample_metrics()

    assert sample("jobs_queue_depth") == queued + 3
    assert 1.0 <= sample("jobs_queue_oldest_age_seconds") < 30
