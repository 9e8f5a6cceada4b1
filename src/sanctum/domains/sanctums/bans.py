"""Bans from a sanctum and sanctum-wide mutes, in the caller's unit of work (the moderation service's).

A ban row keeps someone out until unbanned: the sanctums service refuses every way back in
(`refuse`: an invite link, being added; joining finds the sanctum invisible). Banning a member also
expels them (`SanctumService.expel`: out of every room, live events revoked on every instance). The
owner can be neither banned nor muted.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, Forbidden, NotFound
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.sanctums.models import SanctumBan
from sanctum.domains.sanctums.repository import SanctumRepository

Expel = Callable[[UnitOfWork, uuid.UUID, uuid.UUID], Awaitable[None]]


class SanctumBans:
    def __init__(self, repo: SanctumRepository, expel: Expel) -> None:
        self._repo = repo
        self._expel = expel

    async def refuse(self, db: AsyncSession, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> None:
        if await self._repo.banned(db, sanctum_id, user_id):
            raise Forbidden("Banned from this sanctum.", code=ErrorCode.BANNED)

    async def ban(self, db: UnitOfWork, sanctum_id: uuid.UUID, user_id: uuid.UUID, by: uuid.UUID, reason: str) -> bool:
        """Ban and expel (if a member); False if already banned. The owner cannot be banned."""
        member = await self._repo.member(db, sanctum_id, user_id)
        if member is not None and member.role == "owner":
            raise Forbidden("The owner cannot be banned.", code=ErrorCode.NOT_OWNER)
        if await self._repo.banned(db, sanctum_id, user_id):
            return False
        db.add(SanctumBan(sanctum_id=sanctum_id, user_id=user_id, banned_by=by, reason=reason, created_at=utcnow()))
        if member is not None:
            await self._expel(db, sanctum_id, user_id)
        return True

    async def unban(self, db: UnitOfWork, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        return await self._repo.unban(db, sanctum_id, user_id)

    async def of(self, db: AsyncSession, sanctum_id: uuid.UUID) -> list[SanctumBan]:
        return await self._repo.bans(db, sanctum_id)

    async def set_member_mute(
        self, db: UnitOfWork, sanctum_id: uuid.UUID, user_id: uuid.UUID, until: datetime | None
    ) -> None:
        member = await self._repo.member(db, sanctum_id, user_id)
        if member is None:
            raise NotFound("That person is not a member.", code=ErrorCode.MEMBER_NOT_FOUND)
        if member.role == "owner":
            raise Forbidden("The owner cannot be muted.", code=ErrorCode.NOT_OWNER)
        member.muted_until = until
