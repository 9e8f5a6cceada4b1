"""Which archives this code can restore: its own migrations, at most up to its head, unedited."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from sanctum.backup.archive import Manifest
from sanctum.backup.errors import RestoreRefused
from sanctum.backup.schema import plan
from sanctum.db.migrate import file_checksum, revisions

URL = "sqlite+aiosqlite:///unused.db"
CODE = revisions(URL)
HEAD = CODE[-1].revision


def manifest(revision: str, migrations: dict[str, str]) -> Manifest:
    return Manifest(
        sanctum_version="9.9.9",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        dialect="sqlite",
        revision=revision,
        migrations=migrations,
    )


def checksums(upto: int) -> dict[str, str]:
    return {rev.revision: file_checksum(rev.path) for rev in CODE[:upto]}


def test_an_archive_at_this_codes_head_restores_as_it_is() -> None:
    found = plan(manifest(HEAD, checksums(len(CODE))), URL)

    assert (found.archive_revision, found.head, found.migrates_forward) == (HEAD, HEAD, False)


def test_an_older_archive_is_migrated_forward() -> None:
    older = CODE[-2].revision

    found = plan(manifest(older, checksums(len(CODE) - 1)), URL)

    assert found.migrates_forward and found.head == HEAD


def test_an_archive_with_a_migration_this_code_lacks_is_newer_and_refused() -> None:
    lacks = re.escape(f"has migration 0100, which this code does not have (its newest is {HEAD})")
    with pytest.raises(RestoreRefused, match=lacks):
        plan(manifest("0100", {**checksums(len(CODE)), "0100": "f" * 64}), URL)


def test_an_archive_whose_migration_differs_from_this_codes_file_is_refused() -> None:
    edited = {**checksums(len(CODE)), "0003": "0" * 64}

    differs = re.escape("migration 0003 in the archive differs from this code's 0003_chat.py")
    with pytest.raises(RestoreRefused, match=differs):
        plan(manifest(HEAD, edited), URL)
