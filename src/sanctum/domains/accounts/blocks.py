"""Blocks: any user keeps another away from them.

Rule: a block works both ways where contact starts. Between two people of whom either blocked the
other there are no DMs, no adds to a group or a room, no friend requests, no game invites or
matchmaking pairing, and no notifications of the blocked one's mentions, replies or reactions; the
blocked one does not find the blocker in people search. Refusals are decided by the services that
start the contact (`refuse_between`) and say only CANNOT_CONTACT_USER, the same whichever side asks:
the blocked user is never told. The blocker's web app collapses the blocked one's messages and posts
from the ids in `GET /api/users/me/blocks`.

Price: each check is a lookup in one set per user, kept in this process (a near cache forgotten on every
instance after a block or unblock commits, 5-minute TTL as the stale bound), so a hot path (a send in a
DM, a notification job) costs two queries per user per TTL, not one per message.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.cache.local import InvalidationBus, LocalCache
from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, Forbidden, NotFound, ValidationFailed
from sanctum.db.database import Database
from sanctum.domains.accounts.block_repository import BlockRepository
from sanctum.domains.accounts.schemas import BlockedUser, BlockList
from sanctum.domains.accounts.service import AccountService, Actor

BLOCK_CACHE_TTL_SECONDS = 300
BLOCK_CACHE_ENTRIES = 50_000


@dataclass(frozen=True, slots=True)
class BlockSets:
    blocked: frozenset[uuid.UUID]  # whom this user blocked
    blocked_by: frozenset[uuid.UUID]  # who blocked this user

    def apart_from(self, other: uuid.UUID) -> bool:
        return other in self.blocked or other in self.blocked_by


def cannot_contact() -> Forbidden:
    return Forbidden("You can't contact this user.", code=ErrorCode.CANNOT_CONTACT_USER)


class BlockService:
    def __init__(self, db: Database, accounts: AccountService, bus: InvalidationBus) -> None:
        self._db = db
        self._accounts = accounts
        self._repo = BlockRepository()
        self._sets: LocalCache[BlockSets] = LocalCache(
            bus, "user_blocks", ttl_seconds=BLOCK_CACHE_TTL_SECONDS, max_entries=BLOCK_CACHE_ENTRIES
        )

    # -- for other domains, in the caller's session ---------------------------------------------

    async def sets(self, db: AsyncSession, user_id: uuid.UUID) -> BlockSets:
        async def load() -> BlockSets:
            blocked, blocked_by = await self._repo.sets(db, user_id)
            return BlockSets(frozenset(blocked), frozenset(blocked_by))

        return await self._sets.get_or_load(str(user_id), load)

    async def apart(self, db: AsyncSession, a: uuid.UUID, b: uuid.UUID) -> bool:
        """Whether either of the two blocked the other."""
        return a != b and (await self.sets(db, a)).apart_from(b)

    async def refuse_between(self, db: AsyncSession, a: uuid.UUID, b: uuid.UUID) -> None:
        """Raise the generic CANNOT_CONTACT_USER if either blocked the other."""
        if await self.apart(db, a, b):
            raise cannot_contact()

    async def apart_from_any(self, db: AsyncSession, user_id: uuid.UUID, others: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Those of `others` kept apart from `user_id`."""
        mine = await self.sets(db, user_id)
        return {o for o in others if mine.apart_from(o)}

    async def blocked_by(self, db: AsyncSession, user_id: uuid.UUID) -> frozenset[uuid.UUID]:
        """Who blocked `user_id` (people search hides them from `user_id`)."""
        return (await self.sets(db, user_id)).blocked_by

    # -- use cases ------------------------------------------------------------------------------

    async def block(self, actor: Actor, user_id: uuid.UUID) -> BlockList:
        if user_id == actor.id:
            raise ValidationFailed(fields={"user_id": "must be someone else"})
        async with self._db.writer() as db:
            if user_id not in await self._accounts.public_users(db, [user_id]):
                raise NotFound("No such user.", code=ErrorCode.USER_NOT_FOUND)
            if await self._repo.add(db, actor.id, user_id, utcnow()):
                db.after_commit(partial(self._forget, actor.id, user_id))
        return await self.list(actor)

    async def unblock(self, actor: Actor, user_id: uuid.UUID) -> None:
        """Idempotent: unblocking someone not blocked changes nothing."""
        async with self._db.writer() as db:
            if await self._repo.remove(db, actor.id, user_id):
                db.after_commit(partial(self._forget, actor.id, user_id))

    async def list(self, actor: Actor) -> BlockList:
        async with self._db.reader(fresh=True) as db:
            rows = await self._repo.rows_of(db, actor.id)
            people = await self._accounts.public_users(db, (r.blocked_id for r in rows))
        items = [BlockedUser(user=people[r.blocked_id], since=r.created_at) for r in rows if r.blocked_id in people]
        return BlockList(items=items, ids=[item.user.id for item in items])

    async def _forget(self, a: uuid.UUID, b: uuid.UUID) -> None:
        await self._sets.forget(keys=[str(a), str(b)])
