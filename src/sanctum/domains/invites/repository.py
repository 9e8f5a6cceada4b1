"""Every query of the invites domain; no commits.

A link is found by the hash of its token (unique index); an owner's list is the (target, created_at)
index range. Using a link is one conditional UPDATE, so concurrent redemptions never exceed its limit.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.db.dialect import affected
from sanctum.domains.invites.models import Invite

_invites = table_of(Invite)
_BY_HASH_FOR_UPDATE = select(Invite).where(Invite.token_hash == bindparam("token_hash")).with_for_update()
_BY_HASH = select(Invite).where(Invite.token_hash == bindparam("token_hash"))
_USE = (
    update(_invites)
    .where(
        _invites.c.id == bindparam("invite_id"),
        _invites.c.revoked_at.is_(None),
        or_(_invites.c.max_uses.is_(None), _invites.c.uses < _invites.c.max_uses),
    )
    .values(uses=_invites.c.uses + 1)
)
_REVOKE = (
    update(_invites)
    .where(_invites.c.id == bindparam("invite_id"), _invites.c.revoked_at.is_(None))
    .values(revoked_at=bindparam("at"))
)
LIST_LIMIT = 100


class InviteRepository:
    async def by_hash(self, db: AsyncSession, token_hash: str, *, for_update: bool = False) -> Invite | None:
        query = _BY_HASH_FOR_UPDATE if for_update else _BY_HASH
        return (await db.execute(query, {"token_hash": token_hash})).scalar_one_or_none()

    async def by_id(self, db: AsyncSession, invite_id: uuid.UUID) -> Invite | None:
        return await db.get(Invite, invite_id)

    async def of_target(
        self, db: AsyncSession, *, sanctum_id: uuid.UUID | None, room_id: uuid.UUID | None
    ) -> list[Invite]:
        """A sanctum's links (`sanctum_id`) or a room's (`room_id`), newest first."""
        target = Invite.sanctum_id == sanctum_id if sanctum_id is not None else Invite.room_id == room_id
        query = select(Invite).where(target).order_by(Invite.created_at.desc(), Invite.id).limit(LIST_LIMIT)
        return list((await db.execute(query)).scalars())

    async def use(self, db: AsyncSession, invite_id: uuid.UUID) -> bool:
        """Count one use, if the link is not revoked and has one left."""
        return bool(affected(await db.execute(_USE, {"invite_id": invite_id})))

    async def revoke(self, db: AsyncSession, invite_id: uuid.UUID, at: datetime) -> bool:
        return bool(affected(await db.execute(_REVOKE, {"invite_id": invite_id, "at": at})))
