"""Invite links: made, listed and revoked by a sanctum's or private room's owner and moderators; shown
as a preview to anyone holding one; redeemed by a signed-in person to become a member.

A token is 32 URL-safe characters from `secrets` (192 bits: not guessable, so a lookup by it needs no
other secret); it opens one thing, one sanctum or one room. Only its SHA-256 is stored. Preview and
redemption are rate-limited per address, and redemption per account too. A link is refused, with a code
saying why, once revoked (`INVITE_REVOKED`), past its expiry (`INVITE_EXPIRED`) or out of uses
(`INVITE_USED_UP`); someone already in gets the target back and uses nothing. The use is counted by a
conditional UPDATE in the unit of work that adds the member, so both happen or neither does, and
concurrent redemptions never pass the limit.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, Gone, NotFound
from sanctum.db.database import Database
from sanctum.domains.accounts.service import AccountService, Actor, ClientInfo
from sanctum.domains.chat.service import RoomService
from sanctum.domains.invites.models import Invite
from sanctum.domains.invites.repository import InviteRepository
from sanctum.domains.invites.schemas import (
    InviteCreated,
    InviteLinkCreate,
    InviteList,
    InvitePreview,
    InviteRead,
    InviteRedeemed,
    InviteState,
)
from sanctum.domains.sanctums.service import SanctumService


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _not_found() -> NotFound:
    return NotFound("No such invite link.", code=ErrorCode.INVITE_NOT_FOUND)


def state_of(invite: Invite) -> InviteState:
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at is not None and invite.expires_at <= utcnow():
        return "expired"
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return "used_up"
    return "active"


_REFUSALS: dict[InviteState, tuple[str, ErrorCode]] = {
    "revoked": ("This invite link was revoked.", ErrorCode.INVITE_REVOKED),
    "expired": ("This invite link has expired.", ErrorCode.INVITE_EXPIRED),
    "used_up": ("This invite link has been used as many times as it allows.", ErrorCode.INVITE_USED_UP),
}


def _refuse(state: InviteState) -> None:
    if state != "active":
        message, code = _REFUSALS[state]
        raise Gone(message, code=code)


def _read(invite: Invite) -> InviteRead:
    return InviteRead(
        id=invite.id,
        hint=invite.hint,
        target="sanctum" if invite.sanctum_id is not None else "room",
        sanctum_id=invite.sanctum_id,
        room_id=invite.room_id,
        created_by=invite.created_by,
        created_at=invite.created_at,
        expires_at=invite.expires_at,
        max_uses=invite.max_uses,
        uses=invite.uses,
        revoked_at=invite.revoked_at,
        state=state_of(invite),
    )


class InviteService:
    def __init__(
        self,
        db: Database,
        sanctums: SanctumService,
        rooms: RoomService,
        accounts: AccountService,
    ) -> None:
        self._db = db
        self._sanctums = sanctums
        self._rooms = rooms
        self._accounts = accounts
        self._repo = InviteRepository()

    # -- owners and moderators ------------------------------------------------------------------

    async def create_for_sanctum(self, actor: Actor, slug: str, data: InviteLinkCreate) -> InviteCreated:
        async with self._db.writer() as db:
            found = await self._sanctums.moderated(db, actor, slug)
            return await self._create(db, actor, data, sanctum_id=found.sanctum.id)

    async def create_for_room(self, actor: Actor, room_id: uuid.UUID, data: InviteLinkCreate) -> InviteCreated:
        async with self._db.writer() as db:
            await self._rooms.invitable(db, actor, room_id)
            return await self._create(db, actor, data, room_id=room_id)

    async def _create(
        self,
        db: AsyncSession,
        actor: Actor,
        data: InviteLinkCreate,
        *,
        sanctum_id: uuid.UUID | None = None,
        room_id: uuid.UUID | None = None,
    ) -> InviteCreated:
        token = secrets.token_urlsafe(24)
        now = utcnow()
        expires = now + timedelta(seconds=data.expires_in_seconds) if data.expires_in_seconds is not None else None
        invite = Invite(
            id=uuid.uuid4(),
            token_hash=_hash(token),
            hint=token[-4:],
            sanctum_id=sanctum_id,
            room_id=room_id,
            created_by=actor.id,
            created_at=now,
            expires_at=expires,
            max_uses=data.max_uses,
            uses=0,
        )
        db.add(invite)
        await db.flush()
        return InviteCreated(**_read(invite).model_dump(), token=token)

    async def list_for_sanctum(self, actor: Actor, slug: str) -> InviteList:
        async with self._db.reader() as db:
            found = await self._sanctums.moderated(db, actor, slug)
            return InviteList(
                items=[_read(i) for i in await self._repo.of_target(db, sanctum_id=found.sanctum.id, room_id=None)]
            )

    async def list_for_room(self, actor: Actor, room_id: uuid.UUID) -> InviteList:
        async with self._db.reader() as db:
            await self._rooms.invitable(db, actor, room_id)
            return InviteList(
                items=[_read(i) for i in await self._repo.of_target(db, sanctum_id=None, room_id=room_id)]
            )

    async def revoke(self, actor: Actor, invite_id: uuid.UUID) -> None:
        """Revoke a link (the target's owner or moderators); revoking twice changes nothing."""
        async with self._db.writer() as db:
            invite = await self._repo.by_id(db, invite_id)
            if invite is None:
                raise _not_found()
            try:
                await self._authorize(db, actor, invite)
            except NotFound as exc:  # a link to something the caller cannot see: it does not exist
                raise _not_found() from exc
            await self._repo.revoke(db, invite_id, utcnow())

    async def _authorize(self, db: AsyncSession, actor: Actor, invite: Invite) -> None:
        if invite.room_id is not None:
            await self._rooms.invitable(db, actor, invite.room_id)
            return
        sanctum = await self._sanctums.refs(db, [invite.sanctum_id] if invite.sanctum_id else [])
        if not sanctum:
            raise _not_found()
        await self._sanctums.moderated(db, actor, next(iter(sanctum.values())).slug)

    # -- whoever holds a link -------------------------------------------------------------------

    async def preview(self, token: str, client: ClientInfo) -> InvitePreview:
        """What the link leads to, for anyone holding it (signed in or not)."""
        async with self._db.reader() as db:
            invite = await self._repo.by_hash(db, _hash(token))
            if invite is None:
                raise _not_found()
            _refuse(state_of(invite))
            inviter = await self._accounts.public_users(db, [invite.created_by] if invite.created_by else [])
            invited_by = next((u.display_name for u in inviter.values()), None)
            if invite.sanctum_id is not None:
                sanctum = await self._sanctums.read_by_id(db, invite.sanctum_id, None)
                if sanctum is None:
                    raise _not_found()
                name, description, count = sanctum.name, sanctum.description, sanctum.member_count
            else:
                room = await self._rooms.record(db, invite.room_id) if invite.room_id else None
                if room is None:
                    raise _not_found()
                name, description, count = room.name, room.description, room.member_count
        return InvitePreview(
            target="sanctum" if invite.sanctum_id is not None else "room",
            name=name,
            description=description,
            member_count=count,
            invited_by=invited_by,
            expires_at=invite.expires_at,
        )

    async def redeem(self, actor: Actor, token: str, client: ClientInfo) -> InviteRedeemed:
        try:
            return await self._redeem(actor, token)
        except IntegrityError:
            # Joined concurrently (another tab, the same link): now a member, so this finds that.
            return await self._redeem(actor, token)

    async def _redeem(self, actor: Actor, token: str) -> InviteRedeemed:
        async with self._db.writer() as db:
            invite = await self._repo.by_hash(db, _hash(token), for_update=True)
            if invite is None:
                raise _not_found()
            state = state_of(invite)
            if state in ("revoked", "expired"):
                _refuse(state)
            if invite.sanctum_id is not None:
                sanctum = await self._sanctums.read_by_id(db, invite.sanctum_id, actor.id)
                if sanctum is None:
                    raise _not_found()
                joined = sanctum.my_role is None
                if joined:
                    await self._use(db, invite)
                    await self._sanctums.admit(db, sanctum.id, actor.id)
                return InviteRedeemed(
                    target="sanctum", sanctum_slug=sanctum.slug, room_id=sanctum.room_id, joined=joined
                )
            room_id = invite.room_id
            if room_id is None or await self._rooms.record(db, room_id) is None:
                raise _not_found()
            joined = not await self._rooms.is_member(db, room_id, actor.id)
            if joined:
                await self._use(db, invite)
                await self._rooms.admit(db, actor, room_id)
            return InviteRedeemed(target="room", sanctum_slug=None, room_id=room_id, joined=joined)

    async def _use(self, db: AsyncSession, invite: Invite) -> None:
        if not await self._repo.use(db, invite.id):
            _refuse("used_up")
