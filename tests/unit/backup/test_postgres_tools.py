"""Finding PostgreSQL's tools and handing them the connection without showing the password."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sanctum.backup.errors import BackupError
from sanctum.backup.postgres import describe, find_tools, libpq_env


def test_the_url_becomes_libpq_variables_with_the_password_decoded_and_only_in_pgpassword() -> None:
    url = "postgresql+asyncpg://sanctum:p%40ss%3Aw%2Frd@db.internal:6543/community?ssl=require"

    env = libpq_env(url)

    assert env["PGHOST"] == "db.internal" and env["PGPORT"] == "6543"
    assert env["PGUSER"] == "sanctum" and env["PGDATABASE"] == "community"
    assert env["PGPASSWORD"] == "p@ss:w/rd"
    assert env["PGSSLMODE"] == "require"
    assert "p@ss" not in describe(url) and "p%40ss" not in describe(url)
    assert describe(url) == "PostgreSQL database community on db.internal:6543"


def test_a_socket_directory_in_the_query_is_the_host_and_no_password_sets_none() -> None:
    env = libpq_env("postgresql+asyncpg://sanctum@/community?host=/var/run/postgresql")

    assert env["PGHOST"] == "/var/run/postgresql"
    assert "PGPASSWORD" not in env and "PGPORT" not in env


def test_a_configured_directory_without_the_tools_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=f"BACKUP__PG_BIN_DIR is {tmp_path}, which has no pg_dump"):
        find_tools(tmp_path)


def test_a_configured_directory_with_the_tools_is_used(tmp_path: Path) -> None:
    for name in ("pg_dump", "pg_restore", "psql"):
        tool = tmp_path / name
        tool.write_text("#!/bin/sh\n")
        os.chmod(tool, 0o755)  # noqa: S103 - a test's stand-in executable

    tools = find_tools(tmp_path)

    assert (tools.pg_dump, tools.pg_restore, tools.psql) == (
        tmp_path / "pg_dump",
        tmp_path / "pg_restore",
        tmp_path / "psql",
    )
