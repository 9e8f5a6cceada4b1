"""An embedded (SQLite) archive restored into PostgreSQL: the community moves to scaled mode intact."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.backup.community import Community, room_history
from tests.integration.backup.conftest import contents
from tests.support.databases import migrate
from tests.support.processes import run_sanctum_async, stderr_lines

pytestmark = [pytest.mark.scaled_only, pytest.mark.slow]


async def test_an_embedded_archive_restores_into_postgresql_and_the_scaled_instance_carries_on(
    make_settings: SettingsFactory,
    make_client: ClientFactory,
    empty_database_url: str,
    tmp_path: Path,
) -> None:
    embedded_url = f"sqlite+aiosqlite:///{tmp_path / 'embedded' / 'sanctum.db'}"
    (tmp_path / "embedded").mkdir()
    await asyncio.to_thread(migrate, embedded_url)
    app = create_app(make_settings(database_url=embedded_url, redis_url=None))
    community = await Community.build(await make_client(app=app))
    await app.state.services.jobs.settle()
    before = await community.views()
    messages = await room_history(community.alice, community.room_id)
    archive = tmp_path / "embedded.tar.gz"
    backup = await run_sanctum_async("backup", "--output", str(archive), cwd=tmp_path, DATABASE_URL=embedded_url)
    assert backup.returncode == 0, backup.stderr

    restore = await run_sanctum_async("restore", str(archive), cwd=tmp_path, DATABASE_URL=empty_database_url)

    assert restore.returncode == 0, restore.stderr
    assert stderr_lines(restore) == []
    assert "(copied table by table from SQLite, one transaction)" in restore.stdout
    scaled = await make_client(make_settings(database_url=empty_database_url))
    restored = community.on(scaled)
    assert await restored.views() == before
    assert await room_history(restored.alice, community.room_id) == messages
    # The sequences continue past the copied ids: new rows get new ones.
    later = await restored.bob.send(community.room_id, "hello from PostgreSQL")
    assert later["id"] > max(messages)
    assert (await restored.alice.post("and a new post"))["id"] > community.post_id


async def test_an_embedded_archive_replaces_a_postgresql_database_that_holds_data_only_with_force(
    make_settings: SettingsFactory, make_client: ClientFactory, database_url: str, tmp_path: Path
) -> None:
    embedded_url = f"sqlite+aiosqlite:///{tmp_path / 'embedded.db'}"
    await asyncio.to_thread(migrate, embedded_url)
    embedded = create_app(make_settings(database_url=embedded_url, redis_url=None))
    await Community.build(await make_client(app=embedded))
    await embedded.state.services.jobs.settle()
    archive = tmp_path / "embedded.tar.gz"
    backup = await run_sanctum_async("backup", "--output", str(archive), cwd=tmp_path, DATABASE_URL=embedded_url)
    assert backup.returncode == 0, backup.stderr
    scaled = create_app(make_settings())
    await Community.build(await make_client(app=scaled))
    await scaled.state.services.jobs.settle()
    untouched = await contents(database_url)

    restore = await run_sanctum_async("restore", str(archive), cwd=tmp_path, DATABASE_URL=database_url)

    assert restore.returncode == 1
    [line] = stderr_lines(restore)
    assert line.startswith("sanctum: refusing to restore: PostgreSQL database ")
    assert "is not empty (" in line and line.endswith("or pass --force to replace it")
    assert await contents(database_url) == untouched

    forced = await run_sanctum_async("restore", str(archive), "--force", cwd=tmp_path, DATABASE_URL=database_url)

    assert forced.returncode == 0, forced.stderr
    assert await contents(database_url) == await contents(embedded_url)
