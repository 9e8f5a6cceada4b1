"""Every query of blocks; no commits. A user's own blocks through the primary key, who blocked them
through ix_user_blocks_blocked_id_blocker_id."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.dialect import affected, insert_for
from sanctum.domains.accounts.models import UserBlock

# Built once: the block sets are loaded on every cache miss of a hot path.
_BLOCKED = select(UserBlock.blocked_id).where(UserBlock.blocker_id == bindparam("user_id"))
_BLOCKED_BY = select(UserBlock.blocker_id).where(UserBlock.blocked_id == bindparam("user_id"))


class BlockRepository:
    async def add(self, db: AsyncSession, blocker: uuid.UUID, blocked: uuid.UUID, at: datetime) -> bool:
        stmt = (
            insert_for(db, UserBlock)
            .values(blocker_id=blocker, blocked_id=blocked, created_at=at)
            .on_conflict_do_nothing(index_elements=[UserBlock.blocker_id, UserBlock.blocked_id])
        )
        return bool(affected(await db.execute(stmt)))

    async def remove(self, db: AsyncSession, blocker: uuid.UUID, blocked: uuid.UUID) -> bool:
        stmt = delete(UserBlock).where(UserBlock.blocker_id == blocker, UserBlock.blocked_id == blocked)
        return bool(affected(await db.execute(stmt)))

    async def sets(self, db: AsyncSession, user_id: uuid.UUID) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
        """Whom `user_id` blocked, and who blocked `user_id`."""
        params = {"user_id": user_id}
        blocked = [row[0] for row in (await db.execute(_BLOCKED, params)).all()]
        blocked_by = [row[0] for row in (await db.execute(_BLOCKED_BY, params)).all()]
        return blocked, blocked_by

    async def rows_of(self, db: AsyncSession, blocker: uuid.UUID) -> list[UserBlock]:
        query = select(UserBlock).where(UserBlock.blocker_id == blocker).order_by(UserBlock.created_at.desc())
        return list((await db.execute(query)).scalars())
