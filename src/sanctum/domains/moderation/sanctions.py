"""Sanctions: bans from a sanctum (`user.ban`), sanctum-wide mutes (`user.mute`) and account
suspensions (`site.admin`).

A ban removes the membership in the same unit of work as the ban row, and the sanctum's access scope
is announced as changed after commit, so every instance drops the banned person's subscriptions to
the sanctum's rooms and posts at once (realtime/publisher.py). From then on the sanctum is invisible
to them (404) and every way back in is refused: joining, being added, invite links (`BANNED`).
A sanctum-wide mute is kept on the sanctum membership and copied onto the member's row in every room
of the sanctum, where a send already reads it. A suspension revokes every session of the account
(see accounts/staff.py). Each records itself in the audit log.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sanctum.core import clock
from sanctum.core.errors import ErrorCode, NotFound, ValidationFailed
from sanctum.core.pagination import TimeCursor, decode_cursor, encode_cursor
from sanctum.db.database import Database
from sanctum.domains.accounts.service import AccountService, Actor, to_public
from sanctum.domains.accounts.staff import AccountStaff
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.chat.moderation import ChatModeration
from sanctum.domains.chat.schemas import MuteRead
from sanctum.domains.moderation.schemas import (
    BanList,
    BanRead,
    SuspendedAccount,
    SuspensionCreate,
    SuspensionPage,
    SuspensionRead,
)
from sanctum.domains.roles.permissions import Permission
from sanctum.domains.roles.service import SITE, Authorizer
from sanctum.domains.sanctums.service import SanctumService


class Sanctions:
    def __init__(
        self,
        db: Database,
        authz: Authorizer,
        accounts: AccountService,
        staff: AccountStaff,
        sanctums: SanctumService,
        chat: ChatModeration,
        audit: AuditLog,
    ) -> None:
        self._db = db
        self._authz = authz
        self._accounts = accounts
        self._staff = staff
        self._sanctums = sanctums
        self._chat = chat
        self._audit = audit

    # -- bans -------------------------------------------------------------------------------------

    async def ban(self, actor: Actor, slug: str, user_id: uuid.UUID, reason: str, banned: bool) -> None:
        if user_id == actor.id:
            raise ValidationFailed(fields={"user_id": "must be someone else"})
        async with self._db.writer() as db:
            found = await self._sanctums.access(db, actor.id, slug)
            await self._authz.require(db, actor, Permission.USER_BAN, found.scope)
            if user_id not in await self._accounts.public_users(db, [user_id]):
                raise NotFound("No such user.", code=ErrorCode.USER_NOT_FOUND)
            sanctum_id = found.sanctum.id
            if banned:
                changed = await self._sanctums.bans.ban(db, sanctum_id, user_id, actor.id, reason)
            else:
                changed = await self._sanctums.bans.unban(db, sanctum_id, user_id)
            if changed:
                if banned:
                    await self._chat.announce_in_sanctum(db, sanctum_id, "banned", actor.id, user_id)
                action = AuditAction.USER_BAN if banned else AuditAction.USER_UNBAN
                details = {"reason": reason} if banned else {}
                await self._audit.record(db, actor, action, "user", user_id, sanctum_id=sanctum_id, metadata=details)

    async def bans(self, actor: Actor, slug: str) -> BanList:
        async with self._db.reader() as db:
            found = await self._sanctums.access(db, actor.id, slug)
            await self._authz.require(db, actor, Permission.USER_BAN, found.scope)
            rows = await self._sanctums.bans.of(db, found.sanctum.id)
            people = await self._accounts.public_users(db, [b.user_id for b in rows])
        return BanList(
            items=[
                BanRead(user=people[b.user_id], reason=b.reason, banned_by=b.banned_by, created_at=b.created_at)
                for b in rows
                if b.user_id in people
            ]
        )

    # -- sanctum-wide mutes -----------------------------------------------------------------------

    async def mute(
        self, actor: Actor, slug: str, user_id: uuid.UUID, seconds: int | None, reason: str = ""
    ) -> MuteRead:
        """Mute a member in every room of the sanctum for `seconds` (None: unmute)."""
        until = clock.utcnow() + timedelta(seconds=seconds) if seconds is not None else None
        if user_id == actor.id:
            raise ValidationFailed(fields={"user_id": "must be someone else"})
        async with self._db.writer() as db:
            found = await self._sanctums.access(db, actor.id, slug)
            await self._authz.require(db, actor, Permission.USER_MUTE, found.scope)
            sanctum_id = found.sanctum.id
            await self._sanctums.bans.set_member_mute(db, sanctum_id, user_id, until)
            await self._chat.mute_in_sanctum(db, sanctum_id, user_id, until)
            await self._chat.announce_in_sanctum(db, sanctum_id, "muted" if until else "unmuted", actor.id, user_id)
            action = AuditAction.USER_MUTE if until is not None else AuditAction.USER_UNMUTE
            details = {"until": until, "reason": reason, "sanctum_wide": True} if until else {"sanctum_wide": True}
            await self._audit.record(db, actor, action, "user", user_id, sanctum_id=sanctum_id, metadata=details)
        return MuteRead(user_id=user_id, until=until)

    # -- suspensions ------------------------------------------------------------------------------

    async def suspend(self, actor: Actor, user_id: uuid.UUID, data: SuspensionCreate | None) -> SuspensionRead:
        """Suspend (with `data`) or lift a suspension (None)."""
        if user_id == actor.id:
            raise ValidationFailed(fields={"user_id": "must be someone else"})
        if data is not None and data.until is not None and data.until <= clock.utcnow():
            raise ValidationFailed(fields={"until": "must be in the future"})
        async with self._db.writer() as db:
            await self._authz.require(db, actor, Permission.SITE_ADMIN, SITE)
            if data is None:
                user = await self._staff.unsuspend(db, user_id)
                await self._audit.record(db, actor, AuditAction.ACCOUNT_UNSUSPEND, "user", user_id)
                return SuspensionRead(user_id=user.id, suspended=False, until=None, reason="")
            user, count = await self._staff.suspend(db, user_id, data.reason, data.until)
            details = {"reason": data.reason, "until": data.until, "sessions_revoked": count}
            await self._audit.record(db, actor, AuditAction.ACCOUNT_SUSPEND, "user", user_id, metadata=details)
            return SuspensionRead(
                user_id=user.id, suspended=True, until=data.until, reason=data.reason, sessions_revoked=count
            )

    async def suspensions(self, actor: Actor, cursor: str | None, limit: int) -> SuspensionPage:
        """The accounts suspended now (site admins), most recently suspended first."""
        after = decode_cursor(cursor, TimeCursor) if cursor else None
        async with self._db.reader() as db:
            await self._authz.require(db, actor, Permission.SITE_ADMIN, SITE)
            rows = await self._staff.suspended(db, (after.t, after.id) if after else None, limit + 1)
        items = [
            SuspendedAccount(user=to_public(u), reason=u.suspension_reason, suspended_at=at, until=u.suspended_until)
            for u in rows[:limit]
            if (at := u.suspended_at) is not None
        ]
        more = len(rows) > limit and bool(items)
        return SuspensionPage(
            items=items,
            next_cursor=encode_cursor(TimeCursor(t=items[-1].suspended_at, id=items[-1].user.id)) if more else None,
        )
