"""Every query of custom emoji."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.db.dialect import affected, insert_for
from sanctum.domains.emoji.models import SanctumEmoji

_emoji = table_of(SanctumEmoji)
_OF_SANCTUM = select(_emoji).where(_emoji.c.sanctum_id == bindparam("sanctum_id")).order_by(_emoji.c.name)
_ONE = select(_emoji).where((_emoji.c.sanctum_id == bindparam("sanctum_id")) & (_emoji.c.name == bindparam("name")))
_KEY = ["sanctum_id", "name"]
_COUNT = select(func.count()).where(_emoji.c.sanctum_id == bindparam("sanctum_id"))


class EmojiRepository:
    async def of_sanctum(self, db: AsyncSession, sanctum_id: uuid.UUID) -> Sequence[Any]:
        return (await db.execute(_OF_SANCTUM, {"sanctum_id": sanctum_id})).all()

    async def get(self, db: AsyncSession, sanctum_id: uuid.UUID, name: str) -> Any:
        return (await db.execute(_ONE, {"sanctum_id": sanctum_id, "name": name})).first()

    async def count(self, db: AsyncSession, sanctum_id: uuid.UUID) -> int:
        return int((await db.execute(_COUNT, {"sanctum_id": sanctum_id})).scalar_one())

    async def add(self, db: AsyncSession, values: dict[str, Any]) -> bool:
        """Insert unless the sanctum has an emoji of this name (then False: no error, no row)."""
        statement = insert_for(db, _emoji).values(**values).on_conflict_do_nothing(index_elements=_KEY)
        return affected(await db.execute(statement)) == 1

    async def delete(self, db: AsyncSession, sanctum_id: uuid.UUID, name: str) -> None:
        await db.execute(delete(_emoji).where((_emoji.c.sanctum_id == sanctum_id) & (_emoji.c.name == name)))
