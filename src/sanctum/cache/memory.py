"""In-process TTL cache for embedded mode (one instance, so invalidation is always immediate)."""

from __future__ import annotations

import time
from collections import OrderedDict


class MemoryCache:
    def __init__(self, max_entries: int = 10_000) -> None:
        self._data: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._versions: dict[str, int] = {}
        self._max = max_entries

    async def get(self, key: str) -> bytes | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[1] <= time.monotonic():
            self._data.pop(key, None)
            return None
        self._data.move_to_end(key)
        return entry[0]

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self._data[key] = (value, time.monotonic() + ttl_seconds)
        self._data.move_to_end(key)
        while len(self._data) > self._max:
            self._data.popitem(last=False)

    async def swap(self, key: str, expected: bytes | None, value: bytes, ttl_seconds: float) -> bool:
        # No await between the read and the write: atomic within the one process.
        if await self.get(key) != expected:
            return False
        await self.set(key, value, ttl_seconds)
        return True

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._data.pop(key, None)

    async def get_version(self, name: str) -> int:
        return self._versions.get(name, 0)

    async def get_versions(self, names: list[str]) -> list[int]:
        return [self._versions.get(name, 0) for name in names]

    async def bump_version(self, name: str) -> int:
        self._versions[name] = self._versions.get(name, 0) + 1
        return self._versions[name]
