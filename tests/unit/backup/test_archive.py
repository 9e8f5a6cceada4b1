"""The archive format on its own: what the writer puts in, and what the reader refuses."""

from __future__ import annotations

import gzip
import io
import json
import re
import stat
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sanctum.backup.archive import ArchiveError, Manifest, read_manifest, unpack, write_archive
from sanctum.backup.create import archive_name, archive_time

MADE = datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def manifest() -> Manifest:
    return Manifest(
        sanctum_version="0.1.0", created_at=MADE, dialect="sqlite", revision="0007", migrations={"0007": "a" * 64}
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    data = tmp_path / "data.bin"
    data.write_bytes(b"rows " * 10_000)
    output = tmp_path / "out" / "backup.tar.gz"
    write_archive(output, manifest(), {"database.sqlite3": data})
    return output


def repack(source: Path, target: Path, change: dict[str, bytes | None], manifest_first: bool = True) -> None:
    """`source` with members replaced (None: left out) into `target`, gzip and all valid."""
    with tarfile.open(source, "r:gz") as tar:
        members = [(info, tar.extractfile(info).read()) for info in tar.getmembers()]  # type: ignore[union-attr]
    if not manifest_first:
        members.reverse()
    with tarfile.open(target, "w:gz") as out:
        for info, body in members:
            body = change.get(info.name, body)
            if body is None:
                continue
            info.size = len(body)
            out.addfile(info, io.BytesIO(body))


def test_an_archive_unpacks_to_the_same_bytes_and_its_manifest_lists_each_member_with_its_hash(
    archive: Path, tmp_path: Path
) -> None:
    staging = tmp_path / "staging"
    staging.mkdir()

    found, files = unpack(archive, staging)

    assert files["database.sqlite3"].read_bytes() == b"rows " * 10_000
    [member] = found.members
    assert (member.name, member.size) == ("database.sqlite3", 50_000)
    assert found == read_manifest(archive)
    assert found.created_at == MADE and found.revision == "0007"
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds password hashes
    assert sorted(p.name for p in archive.parent.iterdir()) == ["backup.tar.gz"]  # no partial file left


def test_the_manifest_is_the_first_member_so_a_reader_learns_what_it_holds_before_the_data(archive: Path) -> None:
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        body = tar.extractfile("manifest.json").read()  # type: ignore[union-attr]

    assert names == ["manifest.json", "database.sqlite3"]
    assert json.loads(body)["format"] == "sanctum-backup"


@pytest.mark.parametrize(
    ("change", "manifest_first", "reason"),
    [
        ({"database.sqlite3": b"rows " * 9_999 + b"ROWS "}, True, "does not match its SHA-256"),
        ({"database.sqlite3": None}, True, "is missing database.sqlite3: it is truncated"),
        ({"database.sqlite3": b"short"}, True, "is 5 bytes but the manifest says 50000"),
        ({"extra.txt": None}, False, "its first member is not manifest.json"),
        ({"manifest.json": b"not json"}, True, "manifest.json is not JSON"),
        ({"manifest.json": b'{"format": "tarball"}'}, True, "is not a sanctum-backup manifest"),
        (
            {"manifest.json": b'{"format": "sanctum-backup", "format_version": 2}'},
            True,
            "format version 2, newer than this Sanctum reads (1)",
        ),
        ({"manifest.json": b'{"format": "sanctum-backup", "format_version": 1}'}, True, "the manifest is invalid"),
    ],
    ids=["changed", "missing", "resized", "manifest-last", "not-json", "foreign", "newer-format", "incomplete"],
)
def test_the_reader_refuses_an_archive_that_is_not_whole_naming_what_is_wrong(
    archive: Path, tmp_path: Path, change: dict[str, bytes | None], manifest_first: bool, reason: str
) -> None:
    bad = tmp_path / "bad.tar.gz"
    repack(archive, bad, change, manifest_first)

    with pytest.raises(ArchiveError, match=re.escape(reason)):
        unpack(bad, tmp_path)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("notes.txt", "holds 'notes.txt', which its manifest does not list"), ("../../etc/passwd", "a member named")],
)
def test_a_member_the_manifest_does_not_list_is_refused_and_never_written_outside_staging(
    archive: Path, tmp_path: Path, name: str, reason: str
) -> None:
    with tarfile.open(archive, "r:gz") as tar:
        members = [(i, tar.extractfile(i).read()) for i in tar.getmembers()]  # type: ignore[union-attr]
    bad = tmp_path / "bad.tar.gz"
    with gzip.open(bad, "wb") as packed, tarfile.open(fileobj=packed, mode="w") as out:
        for info, body in [*members, (tarfile.TarInfo(name), b"")]:
            out.addfile(info, io.BytesIO(body))
    staging = tmp_path / "staging"
    staging.mkdir()

    with pytest.raises(ArchiveError, match=reason):
        unpack(bad, staging)
    assert not (tmp_path / name).exists()


def test_a_file_that_is_not_gzip_or_does_not_exist_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")

    with pytest.raises(ArchiveError, match="damaged, truncated or not a Sanctum backup"):
        unpack(text, tmp_path)
    with pytest.raises(ArchiveError, match="does not exist"):
        unpack(tmp_path / "nowhere.tar.gz", tmp_path)


def test_archive_names_sort_by_time_and_give_it_back() -> None:
    earlier, later = archive_name(MADE), archive_name(MADE.replace(second=8))

    assert earlier == "sanctum-backup-20250304T050607.890123Z.tar.gz"
    assert sorted([later, earlier]) == [earlier, later]
    assert archive_time(earlier) == MADE
    assert archive_time("sanctum-backup-latest.tar.gz") is None
