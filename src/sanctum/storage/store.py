"""The `FileStore` port: put, get and delete an object's bytes by key.

Rule: keys are made by the files domain (random, `[a-z0-9/]` only), never from a user's input, so no
key can climb out of the local directory or collide. A stored object is immutable: a change is a new
key. Whole objects are read into memory: uploads are bounded by `FILES__MAX_UPLOAD_BYTES`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[a-z0-9]+(/[a-z0-9]+)*(\.[a-z0-9]+)?$")


@dataclass(frozen=True, slots=True)
class StoredObject:
    data: bytes
    content_type: str


class FileStore(Protocol):
    """Where uploaded bytes live. Implementations: `LocalFileStore`, `S3FileStore` (storage/s3.py)."""

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> StoredObject | None:
        """The object, or None when there is none under the key."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; a key with no object is not an error (deletes are retried)."""
        ...

    async def close(self) -> None: ...


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or len(key) > 200:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalFileStore:
    """Objects as files under one directory (embedded mode). Writes go to a temporary file first and
    are renamed into place, so a reader never sees half a file. File I/O runs on a thread."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        return self._root / check_key(key)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    async def get(self, key: str) -> StoredObject | None:
        path = self._path(key)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None
        # The content type is the files table's to say; the disk keeps bytes only.
        return StoredObject(data, "application/octet-stream")

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, True)

    async def close(self) -> None:
        return None
