"""The schema guard: the app refuses an unmigrated database and migrations edited after they were applied."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from sanctum.db.migrate import MigrationError, head_revision, record_checksums, verify_schema
from sanctum.main import create_app
from tests.conftest import SettingsFactory
from tests.support.databases import execute, table_names

TAMPERED = "UPDATE sanctum_migration_checksums SET checksum = :checksum WHERE revision = '0001'"


async def test_app_refuses_to_start_when_an_applied_migration_was_edited(
    make_settings: SettingsFactory, database_url: str
) -> None:
    await execute(database_url, TAMPERED, checksum="0" * 64)
    app = create_app(make_settings())

    with pytest.raises(MigrationError, match=r"migration 0001 \(0001_accounts\.py\) was edited after it was applied"):
        async with app.router.lifespan_context(app):
            pass


async def test_app_refuses_to_start_on_an_unmigrated_database_and_says_to_run_migrate(
    make_settings: SettingsFactory, empty_database_url: str
) -> None:
    app = create_app(make_settings(database_url=empty_database_url))

    with pytest.raises(MigrationError, match=r"run `sanctum migrate`"):
        async with app.router.lifespan_context(app):
            pass


async def test_app_refuses_a_database_at_an_older_migration_than_the_code(
    make_settings: SettingsFactory, database_url: str
) -> None:
    await execute(database_url, "UPDATE alembic_version SET version_num = 'older'")
    app = create_app(make_settings())

    with pytest.raises(MigrationError, match=rf"at migration older but the code needs {head_revision(database_url)}"):
        async with app.router.lifespan_context(app):
            pass


async def test_a_migrated_database_has_every_table_and_every_checksum_recorded_once(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        newly_recorded = await record_checksums(engine, database_url)
        await verify_schema(engine, database_url)
    finally:
        await engine.dispose()

    assert newly_recorded == []
    assert {"users", "auth_sessions", "refresh_tokens", "sanctum_migration_checksums"} <= await table_names(
        database_url
    )
