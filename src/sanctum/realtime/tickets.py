"""Single-use WebSocket tickets: the only credential that may travel in a URL.

A ticket is a random string bound to a user and the session it was issued in (so ending that
session closes the socket); it lives 30 s and is consumed by the first connect that presents it.
Only its digest is stored: in memory embedded, in Redis scaled (so a ticket issued on one instance
works on another).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

from sanctum.core.ids import new_token
from sanctum.core.security import token_digest
from sanctum.observability.metrics import REDIS_ERRORS


class TicketStoreUnavailable(Exception):
    """The shared store could not be reached."""


@dataclass(frozen=True, slots=True)
class TicketOwner:
    user_id: uuid.UUID
    session_id: uuid.UUID


class TicketStore(Protocol):
    ttl_seconds: int

    async def issue(self, user_id: uuid.UUID, session_id: uuid.UUID) -> str: ...

    async def consume(self, ticket: str) -> TicketOwner | None: ...


class MemoryTicketStore:
    def __init__(self, ttl_seconds: int = 30) -> None:
        self.ttl_seconds = ttl_seconds
        self._tickets: dict[str, tuple[TicketOwner, float]] = {}

    async def issue(self, user_id: uuid.UUID, session_id: uuid.UUID) -> str:
        now = time.monotonic()
        if len(self._tickets) > 1024:
            self._tickets = {k: v for k, v in self._tickets.items() if v[1] > now}
        ticket = new_token()
        self._tickets[token_digest(ticket)] = (TicketOwner(user_id, session_id), now + self.ttl_seconds)
        return ticket

    async def consume(self, ticket: str) -> TicketOwner | None:
        entry = self._tickets.pop(token_digest(ticket), None)
        if entry is None or entry[1] <= time.monotonic():
            return None
        return entry[0]


class RedisTicketStore:
    def __init__(self, redis: Redis, ttl_seconds: int = 30, prefix: str = "ws_ticket:") -> None:
        self.ttl_seconds = ttl_seconds
        self._redis = redis
        self._prefix = prefix

    async def issue(self, user_id: uuid.UUID, session_id: uuid.UUID) -> str:
        ticket = new_token()
        owner = f"{user_id}:{session_id}"
        try:
            await self._redis.set(self._prefix + token_digest(ticket), owner, ex=self.ttl_seconds)
        except Exception as exc:
            REDIS_ERRORS.labels("ticket_issue").inc()
            raise TicketStoreUnavailable(str(exc)) from exc
        return ticket

    async def consume(self, ticket: str) -> TicketOwner | None:
        try:
            value = await self._redis.getdel(self._prefix + token_digest(ticket))
        except Exception as exc:
            REDIS_ERRORS.labels("ticket_consume").inc()
            raise TicketStoreUnavailable(str(exc)) from exc
        if value is None:
            return None
        user, _, session = (value.decode() if isinstance(value, bytes) else str(value)).partition(":")
        try:
            return TicketOwner(uuid.UUID(user), uuid.UUID(session))
        except ValueError:
            return None  # a ticket from before sessions were part of it: the client fetches a new one
