"""The archive itself: JSON files written into a zip as they are read, one page of rows at a time.

A list is written as a JSON array item by item (`JsonArray.add`), so the builder holds one page of
rows and the zip's compressor state, never the whole history; the zip goes to a spooled temporary file
(memory up to 8 MB, then disk) and from there into the database in chunks.
"""

from __future__ import annotations

import zipfile
from typing import IO, Any

import orjson

SPOOL_BYTES = 8 * 1024 * 1024


class JsonArray:
    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self.count = 0
        out.write(b"[")

    def add(self, item: Any) -> None:
        self._out.write(b"\n  " if self.count == 0 else b",\n  ")
        self._out.write(orjson.dumps(item))
        self.count += 1

    def close(self) -> None:
        self._out.write(b"\n]\n" if self.count else b"]\n")


class ArchiveWriter:
    """`with ArchiveWriter(file) as archive:` then `archive.document(...)` and `archive.array(...)`."""

    def __init__(self, file: IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self._open: tuple[IO[bytes], JsonArray] | None = None

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.end_array()
        self._zip.close()

    def document(self, name: str, value: Any) -> None:
        self._zip.writestr(name, orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")

    def array(self, name: str) -> JsonArray:
        """Start the file `name` as a JSON array; it ends at the next `array`, `end_array` or the close."""
        self.end_array()
        out = self._zip.open(name, "w", force_zip64=True)
        array = JsonArray(out)
        self._open = (out, array)
        return array

    def end_array(self) -> int:
        if self._open is None:
            return 0
        out, array = self._open
        array.close()
        out.close()
        self._open = None
        return array.count
