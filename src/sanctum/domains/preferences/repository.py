"""Every query of the preferences domain; no commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.db.dialect import affected, insert_for
from sanctum.domains.preferences.models import NotificationMute, NotificationPreference

_PREFS = table_of(NotificationPreference)
_MUTES = table_of(NotificationMute)
# Built once: the notifier reads these on a cache miss.
_DATA = select(_PREFS.c.data).where(_PREFS.c.user_id == bindparam("user_id"))
_MUTED = select(_MUTES.c.scope, _MUTES.c.target_id).where(_MUTES.c.user_id == bindparam("user_id"))


class PreferenceRepository:
    async def data(self, db: AsyncSession, user_id: uuid.UUID) -> str | None:
        return (await db.execute(_DATA, {"user_id": user_id})).scalar_one_or_none()

    async def save(self, db: AsyncSession, user_id: uuid.UUID, data: str, at: datetime) -> None:
        stmt = insert_for(db, _PREFS).values(user_id=user_id, data=data, updated_at=at)
        stmt = stmt.on_conflict_do_update(index_elements=[_PREFS.c.user_id], set_={"data": data, "updated_at": at})
        await db.execute(stmt)

    async def mutes(self, db: AsyncSession, user_id: uuid.UUID) -> list[tuple[str, uuid.UUID]]:
        return [(row.scope, row.target_id) for row in await db.execute(_MUTED, {"user_id": user_id})]

    async def mute_count(self, db: AsyncSession, user_id: uuid.UUID) -> int:
        stmt = select(func.count()).select_from(_MUTES).where(_MUTES.c.user_id == user_id)
        return int((await db.execute(stmt)).scalar_one())

    async def mute(self, db: AsyncSession, user_id: uuid.UUID, scope: str, target: uuid.UUID, at: datetime) -> bool:
        stmt = insert_for(db, _MUTES).values(user_id=user_id, scope=scope, target_id=target, created_at=at)
        return affected(await db.execute(stmt.on_conflict_do_nothing())) > 0

    async def unmute(self, db: AsyncSession, user_id: uuid.UUID, scope: str, target: uuid.UUID) -> bool:
        stmt = delete(_MUTES).where(_MUTES.c.user_id == user_id, _MUTES.c.scope == scope, _MUTES.c.target_id == target)
        return affected(await db.execute(stmt)) > 0
