"""Every query of the sanctums domain; no commits.

Hot paths and their indexes: a user's sanctums, sanctum_members (user_id, sanctum_id); discovery,
sanctums (visibility, name, id); member counts, the primary key range of sanctum_members.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import bindparam, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.dialect import affected
from sanctum.domains.sanctums.models import Sanctum, SanctumBan, SanctumMember

# Built once: on hot paths building a statement costs more than running it.
_BY_IDS = select(Sanctum).where(Sanctum.id.in_(bindparam("ids", expanding=True)))
_SANCTUM_IDS_OF = select(SanctumMember.sanctum_id).where(SanctumMember.user_id == bindparam("user_id"))
# What an access check needs in one round trip: the caller's role (NULL: not a member) and whether
# they are banned (only ever true for a non-member: a ban removes the membership).
_STANDING = select(
    select(SanctumMember.role)
    .where(SanctumMember.sanctum_id == bindparam("sanctum_id"), SanctumMember.user_id == bindparam("user_id"))
    .scalar_subquery(),
    exists()
    .where(SanctumBan.sanctum_id == bindparam("sanctum_id"), SanctumBan.user_id == bindparam("user_id"))
    .correlate(None),
)


class SanctumRepository:
    async def owned(self, db: AsyncSession, user_id: uuid.UUID) -> int:
        """How many sanctums the user owns (for the quota)."""
        query = select(func.count()).where(SanctumMember.user_id == user_id, SanctumMember.role == "owner")
        return int((await db.execute(query)).scalar_one())

    async def by_slug(self, db: AsyncSession, slug: str) -> Sanctum | None:
        return (await db.execute(select(Sanctum).where(Sanctum.slug == slug))).scalar_one_or_none()

    async def by_slug_for_update(self, db: AsyncSession, slug: str) -> Sanctum | None:
        query = select(Sanctum).where(Sanctum.slug == slug).with_for_update()
        return (await db.execute(query)).scalar_one_or_none()

    async def by_ids(self, db: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Sanctum]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        return {s.id: s for s in (await db.execute(_BY_IDS, {"ids": wanted})).scalars()}

    async def member(self, db: AsyncSession, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> SanctumMember | None:
        return await db.get(SanctumMember, (sanctum_id, user_id))

    async def members(self, db: AsyncSession, sanctum_id: uuid.UUID, limit: int = 1000) -> list[SanctumMember]:
        query = (
            select(SanctumMember)
            .where(SanctumMember.sanctum_id == sanctum_id)
            .order_by(SanctumMember.joined_at, SanctumMember.user_id)
            .limit(limit)
        )
        return list((await db.execute(query)).scalars())

    async def remove_member(self, db: AsyncSession, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        result = await db.execute(
            delete(SanctumMember).where(SanctumMember.sanctum_id == sanctum_id, SanctumMember.user_id == user_id)
        )
        return bool(affected(result))

    async def standing(self, db: AsyncSession, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> tuple[str | None, bool]:
        row = (await db.execute(_STANDING, {"sanctum_id": sanctum_id, "user_id": user_id})).one()
        return row[0], bool(row[1])

    async def banned(self, db: AsyncSession, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        return await db.get(SanctumBan, (sanctum_id, user_id)) is not None

    async def bans(self, db: AsyncSession, sanctum_id: uuid.UUID) -> list[SanctumBan]:
        query = select(SanctumBan).where(SanctumBan.sanctum_id == sanctum_id).order_by(SanctumBan.created_at.desc())
        return list((await db.execute(query.limit(1000))).scalars())

    async def unban(self, db: AsyncSession, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        query = delete(SanctumBan).where(SanctumBan.sanctum_id == sanctum_id, SanctumBan.user_id == user_id)
        return bool(affected(await db.execute(query)))

    async def holders(self, db: AsyncSession, sanctum_id: uuid.UUID, role: str) -> list[uuid.UUID]:
        query = select(SanctumMember.user_id).where(SanctumMember.sanctum_id == sanctum_id, SanctumMember.role == role)
        return list((await db.execute(query)).scalars())

    async def set_role(self, db: AsyncSession, sanctum_id: uuid.UUID, user_id: uuid.UUID, role: str) -> None:
        await db.execute(
            update(SanctumMember)
            .where(SanctumMember.sanctum_id == sanctum_id, SanctumMember.user_id == user_id)
            .values(role=role)
        )

    async def successor(self, db: AsyncSession, sanctum_id: uuid.UUID) -> SanctumMember | None:
        """Who inherits a sanctum its owner leaves: the longest-standing moderator, else member."""
        query = (
            select(SanctumMember)
            .where(SanctumMember.sanctum_id == sanctum_id, SanctumMember.role != "owner")
            .order_by((SanctumMember.role == "moderator").desc(), SanctumMember.joined_at)
            .limit(1)
        )
        return (await db.execute(query)).scalar_one_or_none()

    async def member_counts(self, db: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not ids:
            return {}
        query = (
            select(SanctumMember.sanctum_id, func.count())
            .where(SanctumMember.sanctum_id.in_(ids))
            .group_by(SanctumMember.sanctum_id)
        )
        return {row[0]: int(row[1]) for row in (await db.execute(query)).all()}

    async def roles_of(self, db: AsyncSession, user_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        query = select(SanctumMember.sanctum_id, SanctumMember.role).where(
            SanctumMember.user_id == user_id, SanctumMember.sanctum_id.in_(ids)
        )
        return {row[0]: str(row[1]) for row in (await db.execute(query)).all()}

    async def sanctum_ids_of(self, db: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
        return list((await db.execute(_SANCTUM_IDS_OF, {"user_id": user_id})).scalars())

    async def mine(self, db: AsyncSession, user_id: uuid.UUID, limit: int = 500) -> list[Sanctum]:
        query = (
            select(Sanctum)
            .join(SanctumMember, SanctumMember.sanctum_id == Sanctum.id)
            .where(SanctumMember.user_id == user_id)
            .order_by(Sanctum.name, Sanctum.id)
            .limit(limit)
        )
        return list((await db.execute(query)).scalars())

    async def discover(
        self, db: AsyncSession, q: str | None, after: tuple[str, uuid.UUID] | None, limit: int
    ) -> list[Sanctum]:
        query = select(Sanctum).where(Sanctum.visibility == "public")
        if q:
            query = query.where(func.lower(Sanctum.name).contains(q.lower(), autoescape=True))
        if after is not None:
            name, sanctum_id = after
            query = query.where(or_(Sanctum.name > name, (Sanctum.name == name) & (Sanctum.id > sanctum_id)))
        return list((await db.execute(query.order_by(Sanctum.name, Sanctum.id).limit(limit))).scalars())

    async def any_sanctum(self, db: AsyncSession) -> bool:
        return (await db.execute(select(Sanctum.id).limit(1))).first() is not None
