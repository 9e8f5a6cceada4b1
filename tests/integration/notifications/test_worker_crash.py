"""A worker killed (SIGKILL) in the middle of a job: another worker completes it, exactly once in effect.

Real `sanctum worker` processes, real Redis and PostgreSQL. The test holds a lock on the notifications
table so the first worker's job stops inside its transaction, where PostgreSQL shows it waiting; the
worker is killed there, its transaction dies with its connection, and the job, never acknowledged, is
claimed by the second worker once it has been idle for the redelivery time.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from sanctum.jobs.queue import CONSUMER_GROUP
from sanctum.main import create_app
from sanctum.settings import Settings
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.notifications.notifications_api import Instance
from tests.support.live import eventually
from tests.support.processes import start_sanctum
from tests.support.settings import FAST_JOBS

pytestmark = pytest.mark.scaled_only

REDELIVERY_SECONDS = 1.0


def worker_env(settings: Settings) -> dict[str, str]:
    assert settings.redis_url is not None
    return {
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "APP_ENV": "test",
        "SECRET_KEY": "x" * 40,
        "LOG_LEVEL": "warning",
        "JOBS__REDELIVERY_SECONDS": str(REDELIVERY_SECONDS),
        "JOBS__POLL_SECONDS": "0.1",
    }


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()


async def test_a_job_whose_worker_is_killed_midway_is_completed_once_by_another_worker(
    make_settings: SettingsFactory, make_client: ClientFactory, workers: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    # The app only queues: no worker inside it.
    settings = make_settings(jobs=FAST_JOBS.model_copy(update={"in_app_worker": False}))
    instance = Instance(app := create_app(settings), await make_client(app=app))
    alice, bob = await instance.person(), await instance.person()
    engine = create_async_engine(settings.database_url)
    redis = Redis.from_url(settings.redis_url or "")
    try:
        async with engine.connect() as holder:
            await holder.begin()
            await holder.execute(text("LOCK TABLE notifications IN SHARE MODE"))
            await instance.notifier.friend_request(to=bob.uuid, by=alice.uuid)
            workers.append(first := start_sanctum("worker", cwd=tmp_path, **worker_env(settings)))

            async def first_worker_waits_inside_the_job() -> bool:
                async with engine.connect() as conn:
                    waiting = await conn.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO notifications%'"
                        )
                    )
                    return int(waiting.scalar_one()) == 1

            await eventually(first_worker_waits_inside_the_job, within=20.0, interval=0.05)
            first.send_signal(signal.SIGKILL)
            assert first.wait(10) == -signal.SIGKILL
            pending = await redis.xpending(settings.jobs.queue_name, CONSUMER_GROUP)
            assert pending["pending"] == 1  # taken, never acknowledged

            workers.append(second := start_sanctum("worker", cwd=tmp_path, **worker_env(settings)))
            await holder.rollback()  # the table is free again

        async def bob_is_notified() -> bool:
            return len(await bob.items()) > 0

        await eventually(bob_is_notified, within=20.0, interval=0.05)
        await instance.jobs.settle(within=10.0)  # acknowledged by the second worker

        [item] = await bob.items()
        assert item["kind"] == "friend_request" and item["actor"]["username"] == alice.username
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT count(*) FROM notifications"))
            assert rows.scalar_one() == 1
            events = await conn.execute(
                text("SELECT count(*) FROM realtime_events WHERE topic = :t"), {"t": f"user:{bob.id}"}
            )
            assert events.scalar_one() == 1

        second.send_signal(signal.SIGTERM)
        assert second.wait(15) == 0  # a clean stop
    finally:
        await redis.aclose()
        await engine.dispose()
