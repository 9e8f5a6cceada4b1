"""A real streaming replica (pg_basebackup of the test primary): reads go to it while it is up and
caught up, to the primary while it is stopped or lagging past the bound, and back once it recovers;
no read fails meanwhile."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sanctum.settings import ResilienceSettings
from tests.conftest import ScaledServers, SettingsFactory
from tests.integration.chat.chat_api import Person
from tests.support.databases import execute
from tests.support.live import ServerFactory, eventually, make_server, sample
from tests.support.replica import StreamingReplica

__all__ = ["make_server"]

pytestmark = pytest.mark.scaled_only


async def test_reads_leave_a_stopped_or_lagging_replica_for_the_primary_and_come_back_when_it_recovers(
    make_server: ServerFactory,
    make_settings: SettingsFactory,
    scaled_servers: ScaledServers,
    database_url: str,
    tmp_path: Path,
) -> None:
    replica = StreamingReplica(scaled_servers.postgresql, tmp_path)
    await asyncio.to_thread(replica.create)
    try:
        await eventually(lambda: replica.streaming(database_url), within=30.0, interval=0.2)
        resilience = ResilienceSettings(
            replica_check_seconds=0.2, replica_max_lag_seconds=1.0, breaker_reset_seconds=0.3
        )
        settings = make_settings(database_read_url=replica.url(database_url), resilience=resilience)
        server = await make_server(settings)
        db = server.app.state.services.db
        alice = Person(server.http, await server.register())
        room = (await alice.create_room("replicated"))["id"]

        async def readable() -> bool:  # replicated (milliseconds, or more on a loaded machine)
            return (await alice.call("GET", f"/api/rooms/{room}")).status_code == 200

        await eventually(readable, within=10.0, interval=0.05)

        async def shows(body: str) -> bool:
            return body in [m["body"] for m in await alice.newest(room)]

        await alice.send(room, "first")
        await eventually(lambda: shows("first"), within=10.0, interval=0.05)
        assert db.reads_from == "replica"
        on_replica = sample("db_replica_reads_total", target="replica")
        await alice.room(room)
        assert sample("db_replica_reads_total", target="replica") > on_replica

        # Stopped: every read still answers, from the primary.
        await asyncio.to_thread(replica.stop)
        for i in range(4):
            await alice.send(room, f"while stopped {i}")
            assert await shows(f"while stopped {i}")
        assert db.reads_from == "primary"
        on_primary = sample("db_replica_reads_total", target="primary")
        await alice.room(room)
        assert sample("db_replica_reads_total", target="primary") > on_primary

        # Restarted: reads return to it.
        await asyncio.to_thread(replica.start)
        await eventually(lambda: db.reads_from == "replica", within=30.0, interval=0.1)
        await eventually(lambda: shows("while stopped 3"), within=10.0, interval=0.05)

        # Lagging: replay paused while the primary takes writes; past the bound reads see the primary.
        await execute(replica.url(database_url), "SELECT pg_wal_replay_pause()")
        await alice.send(room, "while paused")

        async def left_replica() -> bool:
            await alice.send(room, "more WAL")  # replay stays behind what the replica received
            return db.reads_from == "primary"

        await eventually(left_replica, within=10.0, interval=0.3)
        assert await shows("while paused")  # fresh, from the primary
        await execute(replica.url(database_url), "SELECT pg_wal_replay_resume()")
        await eventually(lambda: db.reads_from == "replica", within=15.0, interval=0.1)
    finally:
        await asyncio.to_thread(replica.destroy)
