"""What account security (domains/security) changes of an account, in that domain's unit of work:
its password, its address, its sessions. A part of `AccountService` (a base class of it), kept apart
so the service stays one screenful of rules per concern.

Rules: a password change ends every session but the one named (none, after a reset); every change
forgets the checked sessions of the user on every instance once committed, so the next request sees it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, Suspended, Unauthorized
from sanctum.core.security import PasswordHashing
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.models import User
from sanctum.domains.accounts.repository import AccountRepository
from sanctum.domains.accounts.schemas import SecondFactorRequired, TokenPair
from sanctum.realtime.publisher import Publisher


@dataclass(frozen=True, slots=True)
class ClientInfo:
    ip: str
    user_agent: str


# Asked after a right password: a challenge when the account has a second factor, else None.
LoginGate = Callable[[AsyncSession, User], Awaitable[SecondFactorRequired | None]]
# Called in the registration's unit of work: what it queues goes through the outbox (jobs/outbox.py).
RegisteredHook = Callable[[UnitOfWork, User], None]
# Awaited in an account deletion's unit of work, before the user's row (and what cascades with it) goes.
DeletionHook = Callable[[UnitOfWork, uuid.UUID], Awaitable[None]]


def refuse_if_suspended(user: User) -> None:
    if user.suspended(utcnow()):
        until = user.suspended_until.isoformat() if user.suspended_until is not None else None
        raise Suspended("This account is suspended.", details={"until": until, "reason": user.suspension_reason})


class CredentialChanges:
    _repo: AccountRepository
    _passwords: PasswordHashing
    _publisher: Publisher
    _login_gate: LoginGate | None
    _registered_hooks: list[RegisteredHook]
    _deletion_hooks: list[DeletionHook]

    def forget_sessions_of(self, user_id: uuid.UUID) -> Callable[[], Awaitable[None]]:
        raise NotImplementedError

    async def start_session(self, db: AsyncSession, user_id: uuid.UUID, client: ClientInfo) -> TokenPair:
        raise NotImplementedError

    def use_login_gate(self, gate: LoginGate) -> None:
        """Account security decides whether a right password is enough (two-factor, docs/security.md)."""
        self._login_gate = gate

    def on_registered(self, hook: RegisteredHook) -> None:
        """Call `hook(db, user)` in each registration's unit of work (the verification email, queued
        once it commits)."""
        self._registered_hooks.append(hook)

    def use_deletion_hook(self, hook: DeletionHook) -> None:
        """Await `hook(db, user_id)` in each account deletion's unit of work (its files' sweep)."""
        self._deletion_hooks.append(hook)

    async def start_checked_session(self, db: AsyncSession, user_id: uuid.UUID, client: ClientInfo) -> TokenPair:
        """`start_session` for a login proved another way (a second factor, a passkey): the account
        must still exist and not be suspended."""
        user = await self._repo.user_by_id(db, user_id)
        if user is None:
            raise Unauthorized("This account no longer exists.", code=ErrorCode.INVALID_CREDENTIALS)
        refuse_if_suspended(user)
        return await self.start_session(db, user_id, client)

    async def user_for_security(self, db: AsyncSession, user_id: uuid.UUID) -> User | None:
        return await self._repo.user_by_id(db, user_id)

    async def user_by_email(self, db: AsyncSession, email: str) -> User | None:
        return await self._repo.user_by_login(db, email.strip().lower())

    async def email_taken(self, db: AsyncSession, email: str) -> bool:
        return (await self._repo.taken(db, "", email.lower()))[1]

    async def check_password(self, user: User, password: str) -> bool:
        return await asyncio.to_thread(self._passwords.verify, user.password_hash, password)

    async def hash_password(self, password: str) -> str:
        return await asyncio.to_thread(self._passwords.hash, password)

    async def set_password(
        self, db: UnitOfWork, user: User, password_hash: str, *, keep_session: uuid.UUID | None, reason: str
    ) -> int:
        """Change the password and end every session of the user but `keep_session`; returns how many."""
        user.password_hash = password_hash
        user.updated_at = utcnow()
        return await self.end_other_sessions(db, user.id, keep_session=keep_session, reason=reason)

    async def end_other_sessions(
        self, db: UnitOfWork, user_id: uuid.UUID, *, keep_session: uuid.UUID | None, reason: str
    ) -> int:
        now = utcnow()
        ended = [s.id for s in await self._repo.active_sessions(db, user_id, now) if s.id != keep_session]
        for session_id in ended:
            await self._repo.revoke_session(db, session_id, now, reason)
        db.after_commit(self.forget_sessions_of(user_id))
        if ended:
            db.after_commit(partial(self._publisher.end_sessions, user_id, ended))
        return len(ended)

    async def set_email(self, db: UnitOfWork, user: User, email: str, *, verified: bool) -> None:
        """`email` becomes the account's address (verified: a link sent to it was followed)."""
        now = utcnow()
        user.email = email.lower()
        user.email_verified_at = now if verified else None
        user.updated_at = now
        await db.flush()
        db.after_commit(self.forget_sessions_of(user.id))
