"""The backup archive: one gzip-compressed tar, a manifest first, every member checksummed.

Problem: a backup is worth something only if a restore can tell, before it touches a database, that
the file is whole and is what it claims to be. A tarball of a database file says neither: a truncated
upload, a flipped byte on a bad disk and another program's tarball all unpack into something.

Mechanism: `manifest.json` is the first member. It says what the data is (Sanctum version, database
dialect, schema revision and the migration checksums recorded in that database, when it was made) and
lists every other member with its size and SHA-256. The writer stages the data first, hashes it, then
writes manifest and members into a hidden file in the target directory that is flushed and renamed
into place only when complete, so a file under an archive's name is always whole. The reader streams
the archive once, writing each member into a staging directory while hashing it, and accepts the
archive only if every listed member is there with its size and hash and nothing else is.

Price: the data passes through a staging directory on both sides (snapshot then archive; unpack then
restore), which needs free space for the uncompressed database next to the archive. gzip (level 6)
costs a core while it runs; pg_dump is asked not to compress, so nothing is compressed twice.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sanctum.backup.errors import RestoreRefused

FORMAT = "sanctum-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1_048_576
CHUNK = 1 << 20
# Member names are ours (database.sqlite3, database.pgdump, files/...): plain relative paths only.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")

Dialect = Literal["sqlite", "postgresql"]


class ArchiveError(RestoreRefused):
    """The file is not a whole Sanctum backup archive."""


class Member(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Manifest(BaseModel):
    """What an archive holds. `revision` and `migrations` are read from the backed-up data itself."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    format: Literal["sanctum-backup"] = "sanctum-backup"
    format_version: int = FORMAT_VERSION
    sanctum_version: str
    created_at: datetime
    dialect: Dialect
    revision: str
    migrations: dict[str, str]
    members: tuple[Member, ...] = ()
    notes: dict[str, str] = {}

    def member(self, name: str) -> Member | None:
        return next((m for m in self.members if m.name == name), None)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_archive(output: Path, manifest: Manifest, files: dict[str, Path]) -> Manifest:
    """Write `files` (archive name -> staged file) and their manifest to `output`; returns the manifest
    as written. Blocking: call it in a thread from the event loop."""
    for name in files:
        if not _SAFE_NAME.match(name) or name == MANIFEST:
            raise ValueError(f"not a valid member name: {name!r}")
    members = tuple(Member(name=name, size=path.stat().st_size, sha256=sha256_of(path)) for name, path in files.items())
    final = manifest.model_copy(update={"members": members})
    body = json.dumps(final.model_dump(mode="json"), indent=2, sort_keys=True).encode()
    mtime = int(final.created_at.timestamp())

    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    # The archive holds password hashes and private messages: readable by its owner only.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            with (
                gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=mtime) as packed,
                tarfile.open(fileobj=packed, mode="w|", format=tarfile.PAX_FORMAT) as tar,
            ):
                tar.addfile(_info(MANIFEST, len(body), mtime), io.BytesIO(body))
                for name, path in files.items():
                    with path.open("rb") as f:
                        tar.addfile(_info(name, path.stat().st_size, mtime), f)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_directory(output.parent)
    return final


def _info(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, mtime, 0o600
    return info


def _fsync_directory(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be opened
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_manifest(path: Path) -> Manifest:
    """The manifest alone (the members are not checked): for listing archives."""
    with _reading(path) as tar:
        return _first_manifest(tar)


def unpack(path: Path, staging: Path) -> tuple[Manifest, dict[str, Path]]:
    """Verify the whole archive while unpacking it into `staging`; the manifest and each member's file.

    Raises ArchiveError, naming the first thing wrong, unless every member the manifest lists is
    present with its size and SHA-256 and no other member is. Blocking: call it in a thread."""
    found: dict[str, Path] = {}
    with _reading(path) as tar:
        manifest = _first_manifest(tar)
        for info in _members(tar):
            expected = manifest.member(info.name)
            if expected is None or info.name in found or not info.isreg():
                raise ArchiveError(f"the archive holds {info.name!r}, which its manifest does not list")
            if info.size != expected.size:
                raise ArchiveError(f"{info.name} is {info.size} bytes but the manifest says {expected.size}")
            target = staging / info.name
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(info)
            assert source is not None  # a regular file
            digest = _copy_hashing(source, target)
            if digest != expected.sha256:
                raise ArchiveError(f"{info.name} does not match its SHA-256 in the manifest: the archive is damaged")
            found[info.name] = target
    missing = [m.name for m in manifest.members if m.name not in found]
    if missing:
        raise ArchiveError(f"the archive is missing {', '.join(missing)}: it is truncated")
    return manifest, found


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        with tarfile.open(path, mode="r|gz") as tar:
            yield tar
    except FileNotFoundError:
        raise ArchiveError(f"{path} does not exist") from None
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ArchiveError(f"the archive is damaged, truncated or not a Sanctum backup ({_describe(exc)})") from None


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    while (info := tar.next()) is not None:
        if not _SAFE_NAME.match(info.name):
            raise ArchiveError(f"the archive holds a member named {info.name!r}: not a Sanctum backup")
        yield info


def _first_manifest(tar: tarfile.TarFile) -> Manifest:
    info = tar.next()
    if info is None or info.name != MANIFEST or not info.isreg():
        raise ArchiveError(f"not a Sanctum backup: its first member is not {MANIFEST}")
    if info.size > MAX_MANIFEST_BYTES:
        raise ArchiveError(f"not a Sanctum backup: {MANIFEST} is {info.size} bytes")
    source = tar.extractfile(info)
    assert source is not None
    try:
        data = json.loads(source.read())
    except ValueError:
        raise ArchiveError(f"not a Sanctum backup: {MANIFEST} is not JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveError(f"not a Sanctum backup: {MANIFEST} is not a {FORMAT} manifest")
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ArchiveError(
            f"the archive is in format version {version}, newer than this Sanctum reads ({FORMAT_VERSION}): "
            "restore it with the release that made it"
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ArchiveError(f"the manifest is invalid: {where}: {first['msg']}") from None


def _copy_hashing(source: IO[bytes], target: Path) -> str:
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()
