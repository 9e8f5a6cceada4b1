"""The `sanctum` command run as a process: configuration errors, the schema guard and `migrate`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sanctum.db.migrate import revisions
from sanctum.settings import DEFAULT_SECRET_KEY
from tests.support.databases import execute, table_names
from tests.support.processes import run_sanctum, stderr_lines

# Should a refusal regress, `serve` fails to bind here at once instead of serving until the timeout.
UNBINDABLE = "203.0.113.1"


@pytest.mark.parametrize(
    ("env", "variable", "expected"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL", "expected sqlite+aiosqlite:///"),
        ({"APP_ENV": "production"}, "SECRET_KEY", "production needs your own random secret"),
        ({"PORT": "abc"}, "PORT", "valid integer"),
        ({"APP_ENV": "live"}, "APP_ENV", "'development', 'test', 'staging' or 'production'"),
    ],
    ids=["mysql-database", "production-default-secret", "port", "app-env"],
)
def test_serve_with_invalid_configuration_exits_2_with_one_line_naming_the_variable(
    tmp_path: Path, env: dict[str, str], variable: str, expected: str
) -> None:
    result = run_sanctum("serve", cwd=tmp_path, **env)

    assert result.returncode == 2, result.stderr
    [line] = stderr_lines(result)
    assert line.startswith(f"sanctum: invalid configuration: {variable}: ")
    assert expected in line
    if variable == "SECRET_KEY":
        assert DEFAULT_SECRET_KEY not in line


def test_serve_refuses_a_database_whose_applied_migration_was_edited(tmp_path: Path, database_url: str) -> None:
    asyncio.run(execute(database_url, "UPDATE sanctum_migration_checksums SET checksum = 'x' WHERE revision = '0001'"))

    result = run_sanctum("serve", cwd=tmp_path, DATABASE_URL=database_url, APP_ENV="test", HOST=UNBINDABLE)

    assert result.returncode == 1
    [line] = stderr_lines(result)
    assert "migration 0001 (0001_accounts.py) was edited after it was applied" in line


def test_serve_refuses_an_unmigrated_database_and_says_to_run_migrate(tmp_path: Path, empty_database_url: str) -> None:
    result = run_sanctum("serve", cwd=tmp_path, DATABASE_URL=empty_database_url, APP_ENV="test", HOST=UNBINDABLE)

    assert result.returncode == 1
    [line] = stderr_lines(result)
    assert "run `sanctum migrate`" in line


def test_migrate_creates_the_schema_on_a_fresh_database_and_is_idempotent(
    tmp_path: Path, empty_database_url: str
) -> None:
    """A SQLite file that does not exist yet (embedded run) or an empty PostgreSQL database (scaled run)."""
    url = empty_database_url

    first = run_sanctum("migrate", cwd=tmp_path, DATABASE_URL=url)
    second = run_sanctum("migrate", cwd=tmp_path, DATABASE_URL=url)

    assert first.returncode == 0, first.stderr
    assert f"({len(revisions(url))} migration(s) newly recorded)" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "(0 migration(s) newly recorded)" in second.stdout
    assert {"users", "auth_sessions", "refresh_tokens", "sanctum_migration_checksums"} <= asyncio.run(table_names(url))
