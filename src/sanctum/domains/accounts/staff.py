"""What site staff change on an account: its site role and its suspension.

The moderation service decides who may (`site.admin`) and records each change in the audit log; these
run in its unit of work. A suspension revokes every session of the account in that unit of work and,
once committed, every instance forgets the account's checked sessions and ends its sockets, so the
next request or frame on any instance is refused; logging in and refreshing are refused with
`ACCOUNT_SUSPENDED` until it ends (a time comparison: nothing needs to run to lift it).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, NotFound
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.models import User
from sanctum.domains.accounts.repository import AccountRepository
from sanctum.domains.accounts.service import AccountService
from sanctum.observability.logging import get_logger
from sanctum.realtime.publisher import Publisher

log = get_logger("sanctum.accounts")


class AccountStaff:
    def __init__(self, accounts: AccountService, publisher: Publisher) -> None:
        self._accounts = accounts
        self._publisher = publisher
        self._repo = AccountRepository()

    async def user_for_update(self, db: AsyncSession, user_id: uuid.UUID) -> User:
        user = await self._repo.user_by_id(db, user_id)
        if user is None:
            raise NotFound("No such user.", code=ErrorCode.USER_NOT_FOUND)
        return user

    async def set_site_role(self, db: UnitOfWork, user_id: uuid.UUID, role: str | None) -> User:
        user = await self.user_for_update(db, user_id)
        user.site_role = role
        user.updated_at = utcnow()
        db.after_commit(self._accounts.forget_sessions_of(user_id))
        return user

    async def suspend(
        self, db: UnitOfWork, user_id: uuid.UUID, reason: str, until: datetime | None
    ) -> tuple[User, int]:
        """Suspend the account and end every one of its sessions, on every instance, once committed."""
        user = await self.user_for_update(db, user_id)
        now = utcnow()
        user.suspended_at, user.suspended_until, user.suspension_reason = now, until, reason
        count = await self._repo.revoke_user_sessions(db, user_id, now, "suspended")
        db.after_commit(self._accounts.forget_sessions_of(user_id))
        db.after_commit(partial(self._publisher.end_sessions, user_id, None))
        log.info("account_suspended", user_id=str(user_id), sessions=count)
        return user, count

    async def suspended(self, db: AsyncSession, after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[User]:
        """Accounts suspended now, most recently suspended first (ended suspensions are left out)."""
        return await self._repo.suspended(db, utcnow(), after, limit)

    async def site_staff(self, db: AsyncSession, after: str | None, limit: int) -> list[User]:
        """Accounts holding a site role, by username, after the username `after`."""
        return await self._repo.site_staff(db, after, limit)

    async def unsuspend(self, db: UnitOfWork, user_id: uuid.UUID) -> User:
        user = await self.user_for_update(db, user_id)
        user.suspended_at, user.suspended_until, user.suspension_reason = None, None, ""
        db.after_commit(self._accounts.forget_sessions_of(user_id))
        return user
