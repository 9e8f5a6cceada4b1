"""Every query of the flags domain. The version read is the one statement instances poll."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.db.dialect import insert_for
from sanctum.domains.flags.models import FeatureFlag, FeatureFlagOverride, FeatureFlagVersion
from sanctum.domains.flags.rules import FlagRow, Snapshot

_FLAGS = table_of(FeatureFlag)
_OVERRIDES = table_of(FeatureFlagOverride)
_VERSION = table_of(FeatureFlagVersion)

_READ_VERSION = select(_VERSION.c.version).where(_VERSION.c.id == 1)
_BUMP = update(_VERSION).where(_VERSION.c.id == 1).values(version=_VERSION.c.version + 1)


class FlagRepository:
    async def version(self, db: AsyncSession) -> int:
        return int((await db.execute(_READ_VERSION)).scalar_one())

    async def snapshot(self, db: AsyncSession) -> Snapshot:
        version = await self.version(db)
        flags = {row.name: FlagRow(row.enabled, row.rollout_percent) for row in await db.execute(select(_FLAGS))}
        overrides = {
            (row.flag, row.subject_type, row.subject_id): row.value for row in await db.execute(select(_OVERRIDES))
        }
        return Snapshot(version, flags, overrides)

    async def set_flag(
        self, db: AsyncSession, name: str, enabled: bool, percent: int, at: datetime, by: uuid.UUID | None
    ) -> None:
        values = {"enabled": enabled, "rollout_percent": percent, "updated_at": at, "updated_by": by}
        stmt = insert_for(db, _FLAGS).values(name=name, **values)
        await db.execute(stmt.on_conflict_do_update(index_elements=[_FLAGS.c.name], set_=values))

    async def ensure_flag(self, db: AsyncSession, name: str, enabled: bool, percent: int, at: datetime) -> None:
        stmt = insert_for(db, _FLAGS).values(name=name, enabled=enabled, rollout_percent=percent, updated_at=at)
        await db.execute(stmt.on_conflict_do_nothing())

    async def set_override(
        self, db: AsyncSession, name: str, kind: str, subject: uuid.UUID, value: bool | None, at: datetime
    ) -> None:
        key = (_OVERRIDES.c.flag == name) & (_OVERRIDES.c.subject_type == kind) & (_OVERRIDES.c.subject_id == subject)
        if value is None:
            await db.execute(delete(_OVERRIDES).where(key))
            return
        stmt = insert_for(db, _OVERRIDES).values(
            flag=name, subject_type=kind, subject_id=subject, value=value, created_at=at
        )
        index = [_OVERRIDES.c.flag, _OVERRIDES.c.subject_type, _OVERRIDES.c.subject_id]
        await db.execute(stmt.on_conflict_do_update(index_elements=index, set_={"value": value, "created_at": at}))

    async def bump(self, db: AsyncSession) -> None:
        await db.execute(_BUMP)

    async def updated_at(self, db: AsyncSession) -> dict[str, datetime]:
        return {row.name: row.updated_at for row in await db.execute(select(_FLAGS.c.name, _FLAGS.c.updated_at))}
