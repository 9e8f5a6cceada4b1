"""Where live calls are held: the Cache port (in-process embedded, Redis scaled), so every instance sees
the same call and a call outlives the instance that started it.

Keys: `call:{id}` (the state, JSON), `call:user:{user}` and `call:room:{room}` (the call someone is in,
the call a room has), `call:away:{user}` (a participant whose last socket closed, until they are back
or dropped). Each lives `state_ttl_seconds`, rewritten on every change, so the call of an
instance that died mid-call expires instead of keeping its people busy forever; an ended call is kept
a minute (late signals get CALL_ENDED rather than CALL_NOT_FOUND).

A change to a call is a compare-and-set of `call:{id}` (`update`): two instances changing one call at
once never lose a write, the later one reading the call again and reapplying its change. The pointers
follow each write; they are hints (every reader checks the call itself holds the person).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from pydantic import TypeAdapter

from sanctum.cache import Cache
from sanctum.domains.calls.machine import CallState

_STATE: TypeAdapter[CallState] = TypeAdapter(CallState)
_ENDED_TTL = 60.0
# Writers racing on one call: each retry follows another's write, so this bounds a burst of changes.
_ATTEMPTS = 50


class CallContended(Exception):
    """The call kept changing under every attempt to change it."""


class CallStore:
    def __init__(self, cache: Cache, ttl_seconds: float) -> None:
        self._cache = cache
        self._ttl = ttl_seconds

    async def get(self, call_id: uuid.UUID) -> CallState | None:
        raw = await self._cache.get(f"call:{call_id}")
        return _STATE.validate_json(raw) if raw is not None else None

    async def _pointer(self, key: str) -> CallState | None:
        return await self._follow(await self._cache.get(key))

    async def _follow(self, raw: bytes | None) -> CallState | None:
        if raw is None:
            return None
        try:
            return await self.get(uuid.UUID(raw.decode()))
        except ValueError:
            return None

    async def room_claim(self, room_id: uuid.UUID) -> tuple[bytes | None, CallState | None]:
        """The room's pointer as stored and the call it points at: what `start` claims the room over."""
        raw = await self._cache.get(f"call:room:{room_id}")
        return raw, await self._follow(raw)

    async def of_user(self, user_id: uuid.UUID) -> CallState | None:
        return await self._pointer(f"call:user:{user_id}")

    async def of_room(self, room_id: uuid.UUID) -> CallState | None:
        return await self._pointer(f"call:room:{room_id}")

    async def mark_away(self, user_id: uuid.UUID, token: str, ttl_seconds: float) -> None:
        await self._cache.set(f"call:away:{user_id}", token.encode(), ttl_seconds)

    async def away(self, user_id: uuid.UUID) -> str | None:
        raw = await self._cache.get(f"call:away:{user_id}")
        return raw.decode() if raw is not None else None

    async def back(self, user_id: uuid.UUID) -> None:
        await self._cache.delete(f"call:away:{user_id}")

    async def save(self, state: CallState, room_seen: bytes | None) -> bool:
        """Write a new call if its room still points where it did when read (`room_seen`, from
        `room_claim`): of two calls started in one room at once, on two instances, one is written and the
        other gets false. The call's id is fresh, so nobody else can be writing the call itself."""
        room_key = f"call:room:{state.room_id}"
        if not await self._cache.swap(room_key, room_seen, str(state.id).encode(), self._ttl):
            return False
        await self._cache.set(f"call:{state.id}", _STATE.dump_json(state), self._ttl_of(state))
        await self._point(state, None)
        return True

    async def update(
        self, call_id: uuid.UUID, change: Callable[[CallState], CallState]
    ) -> tuple[CallState, CallState] | None:
        """Apply `change` to the call as stored and write the result only if the call is still the one
        read, else read it again and rerun `change` (optimistic locking). (stored, written), or None
        when there is no such call."""
        key = f"call:{call_id}"
        for _ in range(_ATTEMPTS):
            raw = await self._cache.get(key)
            if raw is None:
                return None
            stored = _STATE.validate_json(raw)
            changed = change(stored)
            if changed == stored:
                return stored, stored
            if await self._cache.swap(key, raw, _STATE.dump_json(changed), self._ttl_of(changed)):
                await self._point(changed, stored)
                return stored, changed
        raise CallContended(str(call_id))

    def _ttl_of(self, state: CallState) -> float:
        return _ENDED_TTL if state.status == "ended" else self._ttl

    async def _point(self, state: CallState, before: CallState | None) -> None:
        """Point the call's room and people at it, and release those it no longer holds."""
        ended = state.status == "ended"
        value = str(state.id).encode()
        held = set() if ended else {*state.participants, *(state.invited if state.status == "ringing" else ())}
        had = set() if before is None else {*before.participants, *before.invited}
        for user in held:
            await self._cache.set(f"call:user:{user}", value, self._ttl)
        for user in had - held:
            current = await self._cache.get(f"call:user:{user}")
            if current == value:
                await self._cache.delete(f"call:user:{user}")
        room_key = f"call:room:{state.room_id}"
        if not ended:
            await self._cache.set(room_key, value, self._ttl)
        elif await self._cache.get(room_key) == value:
            await self._cache.delete(room_key)
