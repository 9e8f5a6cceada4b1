"""Every query of the roles domain; no commits."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.domains.roles.models import SanctumRole

_OF_SANCTUM = select(SanctumRole).where(SanctumRole.sanctum_id == bindparam("sanctum_id")).order_by(SanctumRole.name)


class RoleRepository:
    async def of_sanctum(self, db: AsyncSession, sanctum_id: uuid.UUID) -> list[SanctumRole]:
        return list((await db.execute(_OF_SANCTUM, {"sanctum_id": sanctum_id})).scalars())

    async def by_name(self, db: AsyncSession, sanctum_id: uuid.UUID, name: str) -> SanctumRole | None:
        query = select(SanctumRole).where(SanctumRole.sanctum_id == sanctum_id, SanctumRole.name == name)
        return (await db.execute(query.with_for_update())).scalar_one_or_none()
