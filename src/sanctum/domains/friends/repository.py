"""Every query of the friends domain; no commits.

One row per pair, keyed (user_low, user_high); a user's rows are found through the primary key (as
user_low) and ix_friendships_user_high_user_low (as user_high).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, delete, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.dialect import affected, insert_for
from sanctum.domains.friends.models import Friendship


def pair(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    return (a, b) if a < b else (b, a)


# Built once: on hot paths building a statement costs more than running it.
_FRIEND_IDS = union_all(
    select(Friendship.user_high).where(Friendship.user_low == bindparam("user_id"), Friendship.status == "accepted"),
    select(Friendship.user_low).where(Friendship.user_high == bindparam("user_id"), Friendship.status == "accepted"),
)


class FriendRepository:
    async def get(self, db: AsyncSession, a: uuid.UUID, b: uuid.UUID) -> Friendship | None:
        return await db.get(Friendship, pair(a, b), populate_existing=True)

    async def request(self, db: AsyncSession, by: uuid.UUID, to: uuid.UUID, at: datetime) -> bool:
        """Insert a pending request unless the pair already has a row; true if this one was inserted."""
        low, high = pair(by, to)
        stmt = (
            insert_for(db, Friendship)
            .values(user_low=low, user_high=high, requested_by=by, status="pending", created_at=at)
            .on_conflict_do_nothing(index_elements=[Friendship.user_low, Friendship.user_high])
        )
        result = await db.execute(stmt)
        return bool(affected(result))

    async def accept(self, db: AsyncSession, me: uuid.UUID, other: uuid.UUID, at: datetime) -> bool:
        """Accept the pending request `other` sent `me`; false if there is none."""
        low, high = pair(me, other)
        result = await db.execute(
            update(Friendship)
            .where(
                Friendship.user_low == low,
                Friendship.user_high == high,
                Friendship.status == "pending",
                Friendship.requested_by == other,
            )
            .values(status="accepted", accepted_at=at)
        )
        return bool(affected(result))

    async def remove(
        self, db: AsyncSession, a: uuid.UUID, b: uuid.UUID, status: str, requested_by: uuid.UUID | None = None
    ) -> bool:
        low, high = pair(a, b)
        query = delete(Friendship).where(
            Friendship.user_low == low, Friendship.user_high == high, Friendship.status == status
        )
        if requested_by is not None:
            query = query.where(Friendship.requested_by == requested_by)
        result = await db.execute(query)
        return bool(affected(result))

    async def rows_of(self, db: AsyncSession, user_id: uuid.UUID, status: str | None = None) -> list[Friendship]:
        as_low = select(Friendship).where(Friendship.user_low == user_id)
        as_high = select(Friendship).where(Friendship.user_high == user_id)
        if status is not None:
            as_low = as_low.where(Friendship.status == status)
            as_high = as_high.where(Friendship.status == status)
        rows = list((await db.execute(as_low)).scalars()) + list((await db.execute(as_high)).scalars())
        return rows

    async def friend_ids(self, db: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
        return [row[0] for row in (await db.execute(_FRIEND_IDS, {"user_id": user_id})).all()]
