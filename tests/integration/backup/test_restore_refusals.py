"""`sanctum restore` refuses what it cannot restore soundly, in one line, before writing anything; and it
brings an older archive forward to this code's schema."""

from __future__ import annotations

import asyncio
import gzip
import io
import re
import tarfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy.ext.asyncio import create_async_engine

from sanctum.backup import create_backup
from sanctum.db.migrate import alembic_config, head_revision, record_checksums, verify_schema
from sanctum.settings import Settings
from tests.conftest import ClientFactory, SettingsFactory
from tests.factories import register_user
from tests.integration.backup.conftest import contents
from tests.support.databases import execute
from tests.support.processes import run_sanctum_async, stderr_lines

REFUSED = "sanctum: refusing to restore: "


async def restore(archive: Path, url: str, *args: str) -> tuple[int, list[str], str]:
    result = await run_sanctum_async("restore", str(archive), *args, cwd=archive.parent, DATABASE_URL=url)
    return result.returncode, stderr_lines(result), result.stdout


async def backup_with_a_member(client: httpx.AsyncClient, settings: Settings, tmp_path: Path) -> Path:
    await register_user(client)
    return (await create_backup(settings, tmp_path / "backup.tar.gz")).path


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def one_byte_changed(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def database_member_changed(data: bytes) -> bytes:
    """The same manifest, and a database member of the same size with one byte changed, recompressed:
    gzip's own check passes, only the manifest's SHA-256 can tell."""
    out = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as source,
        gzip.GzipFile(fileobj=out, mode="wb") as packed,
        tarfile.open(fileobj=packed, mode="w") as tar,
    ):
        for info in source.getmembers():
            body = source.extractfile(info)
            assert body is not None
            content = body.read()
            if info.name != "manifest.json":
                content = one_byte_changed(content)
            tar.addfile(info, io.BytesIO(content))
    return out.getvalue()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (truncated, "truncated"),
        (one_byte_changed, "damaged"),
        (database_member_changed, "does not match its SHA-256 in the manifest: the archive is damaged"),
    ],
    ids=["truncated", "one-byte-changed", "member-changed-under-a-valid-gzip"],
)
async def test_a_damaged_or_foreign_archive_is_refused_in_one_line_and_nothing_is_written(
    client: httpx.AsyncClient,
    make_settings: SettingsFactory,
    empty_database_url: str,
    tmp_path: Path,
    damage: Callable[[bytes], bytes],
    reason: str,
) -> None:
    archive = await backup_with_a_member(client, make_settings(), tmp_path)
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(damage(archive.read_bytes()))
    untouched = await contents(empty_database_url)

    code, [line], _ = await restore(damaged, empty_database_url)

    assert code == 1
    assert line.startswith(REFUSED) and reason in line, line
    assert await contents(empty_database_url) == untouched


async def test_an_archive_of_a_newer_schema_is_refused_naming_the_migration_this_code_lacks(
    make_settings: SettingsFactory, database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    """The database was migrated by a newer release (0099), then backed up."""
    await execute(database_url, "UPDATE alembic_version SET version_num = '0099'")
    await execute(
        database_url,
        "INSERT INTO sanctum_migration_checksums (revision, checksum, applied_at) "
        "VALUES ('0099', :checksum, CURRENT_TIMESTAMP)",
        checksum="0" * 64,
    )
    archive = (await create_backup(make_settings(), tmp_path / "newer.tar.gz")).path
    untouched = await contents(empty_database_url)

    code, [line], _ = await restore(archive, empty_database_url)

    assert code == 1
    assert line == (
        f"{REFUSED}the archive's schema has migration 0099, which this code does not have "
        f"(its newest is {head_revision(database_url)}): it is newer than this code; restore it with "
        "Sanctum 0.1.0 or later"
    )
    assert await contents(empty_database_url) == untouched


async def test_a_database_that_holds_data_is_refused_without_force_and_replaced_with_it(
    client: httpx.AsyncClient,
    make_settings: SettingsFactory,
    make_client: ClientFactory,
    other_database_url: str,
    tmp_path: Path,
) -> None:
    archive = await backup_with_a_member(client, make_settings(), tmp_path)
    backed_up = await contents(make_settings().database_url)
    someone_else = await register_user(await make_client(make_settings(database_url=other_database_url)))
    untouched = await contents(other_database_url)

    code, [line], _ = await restore(archive, other_database_url)

    assert code == 1
    assert line.startswith(REFUSED)
    # Which tables hold rows besides the account's own depends on how far its jobs got (the
    # verification link in email_tokens, its job still in job_outbox): the message names the first three.
    held = re.search(r"is not empty \((\d+) table\(s\) hold data: ([a-z_, .]+)\): restore into an empty ", line)
    assert held, line
    count, names = int(held[1]), held[2].split(", ")
    assert count >= 3 and names[0] == "auth_sessions" and len(names) == min(count, 3) + (count > 3), line
    assert line.endswith("or pass --force to replace it")
    assert await contents(other_database_url) == untouched

    forced, lines, out = await restore(archive, other_database_url, "--force")

    assert (forced, lines) == (0, []), lines
    assert out.startswith(f"restored {archive} (made ")
    assert await contents(other_database_url) == backed_up
    replaced = await make_client(make_settings(database_url=other_database_url))
    gone = await replaced.post("/api/auth/login", json={"login": someone_else.username, "password": "x" * 12})
    assert gone.status_code == 401


async def test_an_archive_of_an_older_schema_is_migrated_forward_to_this_codes_head(
    make_settings: SettingsFactory,
    make_client: ClientFactory,
    empty_database_url: str,
    other_database_url: str,
    tmp_path: Path,
) -> None:
    """An archive made at migration 0006 (before games) restores into a database this code runs on."""
    old = Settings(_env_file=None, database_url=empty_database_url)  # type: ignore[call-arg]
    if path := old.sqlite_path():
        path.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(command.upgrade, alembic_config(empty_database_url), "0006")
    engine = create_async_engine(empty_database_url)
    try:
        await record_checksums(engine, empty_database_url)
    finally:
        await engine.dispose()
    await execute(
        empty_database_url,
        "INSERT INTO users (id, username, email, password_hash, display_name, bio, is_admin, created_at, updated_at) "
        "VALUES (:id, 'olduser', 'old@example.com', 'x', 'Old User', '', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        id="0" * 31 + "1" if old.sqlite_path() else "00000000-0000-0000-0000-000000000001",
    )
    archive = (await create_backup(old, tmp_path / "old.tar.gz")).path

    code, lines, out = await restore(archive, other_database_url)

    assert (code, lines) == (0, [])
    assert out.rstrip().endswith(f", migrated from 0006 to {head_revision(other_database_url)})")
    engine = create_async_engine(other_database_url)
    try:
        await verify_schema(engine, other_database_url)  # what `sanctum serve` checks before it starts
    finally:
        await engine.dispose()
    http = await make_client(make_settings(database_url=other_database_url))
    assert (await http.get("/api/users/olduser")).json()["display_name"] == "Old User"


@pytest.mark.scaled_only
async def test_a_postgresql_archive_is_refused_by_an_embedded_sqlite_target(
    client: httpx.AsyncClient, make_settings: SettingsFactory, tmp_path: Path
) -> None:
    archive = await backup_with_a_member(client, make_settings(), tmp_path)
    target = tmp_path / "embedded" / "sanctum.db"

    code, [line], _ = await restore(archive, f"sqlite+aiosqlite:///{target}")

    assert code == 1
    assert line == (
        f"{REFUSED}this archive is of a PostgreSQL database (scaled mode) and restores only into PostgreSQL: "
        "set DATABASE_URL to a postgresql+asyncpg:// database"
    )
    assert not target.exists()
