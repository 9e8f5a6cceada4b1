"""Friend requests and friendships.

A pair of people has at most one row (canonical pair key), so a request and its reverse cannot both
exist, whatever the timing: sending inserts with ON CONFLICT DO NOTHING and then reads what is there.
Sending to someone who already asked you accepts their request. Two people of whom one blocked the
other cannot ask (CANNOT_CONTACT_USER, whichever side asks). Notifications are enqueued after
commit (the notifier never raises).
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, NotFound, ValidationFailed
from sanctum.db.database import Database
from sanctum.domains.accounts.blocks import BlockService
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.friends.models import Friendship
from sanctum.domains.friends.repository import FriendRepository
from sanctum.domains.friends.schemas import (
    Friend,
    FriendList,
    FriendRequestRead,
    FriendRequests,
    FriendState,
    FriendStatus,
)
from sanctum.domains.notifications.notify import Notifier
from sanctum.observability import tracing


def _other(row: Friendship, me: uuid.UUID) -> uuid.UUID:
    return row.user_high if row.user_low == me else row.user_low


def _status(row: Friendship | None, me: uuid.UUID) -> FriendStatus:
    if row is None:
        return "none"
    if row.status == "accepted":
        return "friends"
    return "outgoing" if row.requested_by == me else "incoming"


class FriendService:
    def __init__(self, db: Database, accounts: AccountService, notifier: Notifier, blocks: BlockService) -> None:
        self._db = db
        self._blocks = blocks
        self._accounts = accounts
        self._notifier = notifier
        self._repo = FriendRepository()

    async def friend_ids(self, db: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
        """For other domains, in the caller's session."""
        return await self._repo.friend_ids(db, user_id)

    async def incoming(self, db: AsyncSession, user_id: uuid.UUID) -> list[FriendRequestRead]:
        """For Home, in the caller's session: requests waiting for this user's answer, newest first."""
        rows = [r for r in await self._repo.rows_of(db, user_id, "pending") if r.requested_by != user_id]
        people = await self._accounts.public_users(db, (_other(r, user_id) for r in rows))
        rows.sort(key=lambda r: r.created_at, reverse=True)
        return [
            FriendRequestRead(user=people[_other(r, user_id)], created_at=r.created_at)
            for r in rows
            if _other(r, user_id) in people
        ]

    async def state(self, actor: Actor, user_id: uuid.UUID) -> FriendState:
        async with self._db.reader() as db:
            row = await self._repo.get(db, actor.id, user_id)
        return FriendState(user_id=user_id, status=_status(row, actor.id))

    async def friends(self, actor: Actor) -> FriendList:
        async with self._db.reader() as db:
            rows = await self._repo.rows_of(db, actor.id, "accepted")
            people = await self._accounts.public_users(db, (_other(r, actor.id) for r in rows))
        items = [
            Friend(user=people[_other(r, actor.id)], since=r.accepted_at or r.created_at)
            for r in rows
            if _other(r, actor.id) in people
        ]
        return FriendList(items=sorted(items, key=lambda f: (f.user.display_name.lower(), str(f.user.id))))

    async def requests(self, actor: Actor) -> FriendRequests:
        async with self._db.reader() as db:
            rows = await self._repo.rows_of(db, actor.id, "pending")
            people = await self._accounts.public_users(db, (_other(r, actor.id) for r in rows))
        rows.sort(key=lambda r: r.created_at, reverse=True)
        out = FriendRequests(incoming=[], outgoing=[])
        for row in rows:
            other = people.get(_other(row, actor.id))
            if other is not None:
                side = out.outgoing if row.requested_by == actor.id else out.incoming
                side.append(FriendRequestRead(user=other, created_at=row.created_at))
        return out

    @tracing.traced("friends.request")
    async def send(self, actor: Actor, user_id: uuid.UUID) -> FriendState:
        if user_id == actor.id:
            raise ValidationFailed(fields={"user_id": "must be someone else"})
        now = utcnow()
        async with self._db.writer() as db:
            if user_id not in await self._accounts.public_users(db, [user_id]):
                raise NotFound("No such user.", code=ErrorCode.USER_NOT_FOUND)
            await self._blocks.refuse_between(db, actor.id, user_id)
            inserted = await self._repo.request(db, actor.id, user_id, now)
            row = await self._repo.get(db, actor.id, user_id)
            if inserted:
                await self._notifier.within(db).friend_request(to=user_id, by=actor.id)
            elif row is not None and _status(row, actor.id) == "incoming":
                if await self._repo.accept(db, actor.id, user_id, now):
                    await self._notifier.within(db).friend_accepted(to=user_id, by=actor.id)
                row = await self._repo.get(db, actor.id, user_id)
            status = _status(row, actor.id)
        return FriendState(user_id=user_id, status=status)

    async def accept(self, actor: Actor, user_id: uuid.UUID) -> FriendState:
        async with self._db.writer() as db:
            accepted = await self._repo.accept(db, actor.id, user_id, utcnow())
            row = await self._repo.get(db, actor.id, user_id)
            if not accepted and _status(row, actor.id) != "friends":
                raise NotFound("No such friend request.", code=ErrorCode.FRIEND_REQUEST_NOT_FOUND)
            if accepted:
                await self._notifier.within(db).friend_accepted(to=user_id, by=actor.id)
        return FriendState(user_id=user_id, status="friends")

    async def decline(self, actor: Actor, user_id: uuid.UUID) -> None:
        """Turn down a request someone sent the caller."""
        async with self._db.writer() as db:
            if not await self._repo.remove(db, actor.id, user_id, "pending", requested_by=user_id):
                raise NotFound("No such friend request.", code=ErrorCode.FRIEND_REQUEST_NOT_FOUND)

    async def cancel(self, actor: Actor, user_id: uuid.UUID) -> None:
        """Take back a request the caller sent."""
        async with self._db.writer() as db:
            if not await self._repo.remove(db, actor.id, user_id, "pending", requested_by=actor.id):
                raise NotFound("No such friend request.", code=ErrorCode.FRIEND_REQUEST_NOT_FOUND)

    async def unfriend(self, actor: Actor, user_id: uuid.UUID) -> None:
        async with self._db.writer() as db:
            if not await self._repo.remove(db, actor.id, user_id, "accepted"):
                raise NotFound("You are not friends.", code=ErrorCode.NOT_FRIENDS)
