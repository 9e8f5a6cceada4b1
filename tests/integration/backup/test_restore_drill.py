"""The restore drill: back up while people chat, restore into a fresh database, serve it from a fresh
instance, and find everything that was acknowledged before the backup began.

Both commands run as an operator runs them: `sanctum backup` is a separate process reading the
database the test's instance keeps writing to (SQLite's online backup embedded, pg_dump scaled).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.backup.community import Chatter, Community, room_history
from tests.support.processes import run_sanctum_async, stderr_lines


@pytest.mark.slow
async def test_a_backup_taken_while_two_people_chat_restores_into_a_fresh_instance_with_everything_acknowledged(
    make_settings: SettingsFactory,
    make_client: ClientFactory,
    database_url: str,
    empty_database_url: str,
    redis_url: str | None,
    tmp_path: Path,
) -> None:
    app = create_app(make_settings())
    http = await make_client(app=app)
    community = await Community.build(http)
    await app.state.services.jobs.settle()  # the notifications of all that are made
    before = await community.views()
    archive = tmp_path / "drill.tar.gz"

    chatter = Chatter((community.alice, community.bob), community.room_id)
    async with chatter.chatting():
        await chatter.until(20)
        acknowledged_before_backup = dict(chatter.acknowledged)
        backup = await run_sanctum_async("backup", "--output", str(archive), cwd=tmp_path, DATABASE_URL=database_url)
    everything_sent = await room_history(community.alice, community.room_id)

    assert backup.returncode == 0, backup.stderr
    assert backup.stdout.startswith(f"wrote {archive} (")

    restore = await run_sanctum_async("restore", str(archive), cwd=tmp_path, DATABASE_URL=empty_database_url)
    assert restore.returncode == 0, restore.stderr
    assert stderr_lines(restore) == []
    if redis_url is not None:  # Redis holds nothing the restore needs: start from an empty one
        with redis.Redis.from_url(redis_url) as connection:
            connection.flushall()
    fresh = await make_client(make_settings(database_url=empty_database_url))
    restored = community.on(fresh)

    assert await restored.views() == before  # people, sessions, sanctum, post, thread, read state, game, ...
    await restored.can_log_in(fresh)
    history = await room_history(restored.alice, community.room_id)
    bodies = {message_id: message["body"] for message_id, message in history.items()}
    assert acknowledged_before_backup.items() <= bodies.items()
    # Whatever else made it in is exactly what was sent, reactions and thread counts included: nothing torn.
    assert {message_id: everything_sent[message_id] for message_id in history} == history
    first = history[community.first_message_id]
    assert {r["emoji"] for r in first["reactions"]} == {"👍", "🎉"} and first["reply_count"] == 1
