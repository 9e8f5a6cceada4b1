"""Sanctums: create, discover, read, update, join, leave, members and their roles.

Authorization lives here, decided by `Authorizer.require` (domains/roles) on the caller's role: a
private sanctum is invisible (404) to non-members; `sanctum.manage` changes the sanctum and adds
people, `room.manage` its channels, `role.manage` assigns roles and removes members; only the owner
hands the sanctum over, and nobody changes the owner's role. Every membership
change also changes the sanctum's main chat room in the same unit of work. Reads other domains make
(`access_by_id`, `sanctum_ids_of`, `refs`) take the caller's session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import Conflict, ErrorCode, Forbidden, NotFound, QuotaExceeded, ValidationFailed
from sanctum.core.pagination import NameCursor, decode_cursor, encode_cursor
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.search import matches, normalize_query
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.chat.sanctum_rooms import SanctumRooms, sanctum_scope
from sanctum.domains.chat.schemas import ChannelCreate, ChannelList, ChannelRead
from sanctum.domains.roles.permissions import Permission
from sanctum.domains.roles.service import SITE, Authorizer, Scope, in_sanctum
from sanctum.domains.sanctums.bans import SanctumBans
from sanctum.domains.sanctums.models import Sanctum, SanctumMember
from sanctum.domains.sanctums.repository import SanctumRepository
from sanctum.domains.sanctums.schemas import (
    SanctumCreate,
    SanctumMemberList,
    SanctumMemberRead,
    SanctumPage,
    SanctumRead,
    SanctumRef,
    SanctumUpdate,
)
from sanctum.realtime.publisher import Publisher
from sanctum.settings import QuotaSettings

ROLE_ORDER = {"owner": 0, "admin": 1, "moderator": 2, "member": 4}


def _not_found() -> NotFound:
    return NotFound("No such sanctum.", code=ErrorCode.SANCTUM_NOT_FOUND)


@dataclass(frozen=True, slots=True)
class Access:
    """A sanctum as one caller sees it."""

    sanctum: Sanctum
    role: str | None

    @property
    def scope(self) -> Scope:
        return in_sanctum(self.sanctum.id, self.role)


class SanctumService:
    def __init__(
        self,
        db: Database,
        accounts: AccountService,
        rooms: SanctumRooms,
        publisher: Publisher,
        quotas: QuotaSettings,
        authz: Authorizer,
    ) -> None:
        self._quotas = quotas
        self._authz = authz
        self._audit = AuditLog()
        self._db = db
        self._accounts = accounts
        self._rooms = rooms
        self._publisher = publisher
        self._repo = SanctumRepository()
        self.bans = SanctumBans(self._repo, self.expel)

    # -- for other domains, in the caller's session -----------------------------------------------

    async def access(self, db: AsyncSession, user_id: uuid.UUID, slug: str) -> Access:
        """The sanctum if the caller may see it (public, or a member); 404 otherwise, revealing nothing."""
        sanctum = await self._repo.by_slug(db, slug)
        return await self._access(db, sanctum, user_id)

    async def access_by_id(self, db: AsyncSession, user_id: uuid.UUID, sanctum_id: uuid.UUID) -> Access:
        return await self._access(db, await db.get(Sanctum, sanctum_id), user_id)

    async def _access(self, db: AsyncSession, sanctum: Sanctum | None, user_id: uuid.UUID) -> Access:
        if sanctum is None:
            raise _not_found()
        # One statement: the role, and a ban (the sanctum, its rooms and posts are invisible to the banned).
        role, banned = await self._repo.standing(db, sanctum.id, user_id)
        if (role is None and sanctum.visibility != "public") or banned:
            raise _not_found()
        return Access(sanctum, role)

    async def moderated(
        self, db: AsyncSession, actor: Actor, slug: str, permission: Permission = Permission.SANCTUM_MANAGE
    ) -> Access:
        """The sanctum if the caller holds `permission` there (invite links: sanctum.manage)."""
        found = await self.access(db, actor.id, slug)
        await self._authz.require(db, actor, permission, found.scope, code=ErrorCode.NOT_MODERATOR)
        return found

    async def may(self, db: AsyncSession, actor: Actor, permission: Permission, found: Access | None) -> bool:
        """Whether the caller holds `permission` in the sanctum they reached (`found`), or site-wide
        when there is none (a post outside any sanctum)."""
        return await self._authz.allows(db, actor, permission, found.scope if found is not None else SITE)

    async def read_by_id(self, db: AsyncSession, sanctum_id: uuid.UUID, viewer: uuid.UUID | None) -> SanctumRead | None:
        """The sanctum with no visibility check: for whoever holds one of its invite links."""
        sanctum = await db.get(Sanctum, sanctum_id)
        return (await self._reads(db, [sanctum], viewer))[0] if sanctum is not None else None

    async def role_of(self, db: AsyncSession, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> str | None:
        member = await self._repo.member(db, sanctum_id, user_id)
        return member.role if member is not None else None

    async def admit(self, db: UnitOfWork, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Let someone in, whatever the visibility (an invite link), in the caller's unit of work;
        never someone banned from it."""
        await self.bans.refuse(db, sanctum_id, user_id)
        await self._add(db, sanctum_id, user_id)

    async def roles_of(self, db: AsyncSession, user_id: uuid.UUID) -> dict[uuid.UUID, str]:
        """`user_id`'s role in each sanctum they belong to (for other domains, in the caller's session)."""
        return await self._repo.roles_of(db, user_id, await self._repo.sanctum_ids_of(db, user_id))

    async def sanctum_ids_of(self, db: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
        return await self._repo.sanctum_ids_of(db, user_id)

    async def any_sanctum(self, db: AsyncSession) -> bool:
        """Does this instance hold a sanctum yet? (Home offers the first user to create one.)"""
        return await self._repo.any_sanctum(db)

    async def refs(self, db: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, SanctumRef]:
        if not ids:
            return {}
        found = await self._repo.by_ids(db, ids)
        return {s.id: SanctumRef(id=s.id, slug=s.slug, name=s.name, visibility=s.visibility) for s in found.values()}

    # -- reading ----------------------------------------------------------------------------------

    async def _reads(self, db: AsyncSession, sanctums: list[Sanctum], viewer: uuid.UUID | None) -> list[SanctumRead]:
        ids = [s.id for s in sanctums]
        counts = await self._repo.member_counts(db, ids)
        roles = await self._repo.roles_of(db, viewer, ids) if viewer is not None else {}
        rooms = await self._rooms.sanctum_room_ids(db, ids)
        return [
            SanctumRead(
                id=s.id,
                slug=s.slug,
                name=s.name,
                description=s.description,
                visibility=s.visibility,
                member_count=counts.get(s.id, 0),
                created_at=s.created_at,
                room_id=rooms.get(s.id),
                my_role=roles.get(s.id),
            )
            for s in sanctums
        ]

    async def get(self, actor: Actor, slug: str, *, fresh: bool = False) -> SanctumRead:
        async with self._db.reader(fresh=fresh) as db:
            found = await self.access(db, actor.id, slug)
            read = (await self._reads(db, [found.sanctum], actor.id))[0]
            read.my_permissions = sorted(p.value for p in await self._authz.permissions(db, actor, found.scope))
            return read

    async def discover(self, actor: Actor, q: str | None, cursor: str | None, limit: int) -> SanctumPage:
        if q is not None and "\x00" in q:
            raise ValidationFailed(fields={"q": "must not contain NUL characters"})
        found_cursor = decode_cursor(cursor, NameCursor) if cursor else None
        after = (found_cursor.n, found_cursor.i) if found_cursor is not None else None
        async with self._db.reader() as db:
            found = await self._repo.discover(db, q, after, limit + 1)
            page = found[:limit]
            last = page[-1] if page and len(found) > limit else None
            return SanctumPage(
                items=await self._reads(db, page, actor.id),
                next_cursor=encode_cursor(NameCursor(n=last.name, i=last.id)) if last else None,
            )

    async def mine(self, actor: Actor) -> SanctumPage:
        async with self._db.reader() as db:
            found = await self._repo.mine(db, actor.id)
            return SanctumPage(items=await self._reads(db, found, actor.id), next_cursor=None)

    async def members(
        self, actor: Actor, slug: str, *, q: str | None = None, role: str | None = None, fresh: bool = False
    ) -> SanctumMemberList:
        """The directory: the owner, then moderators, then members, by name; `q` and `role` narrow it."""
        text = normalize_query(q) if q is not None else None
        async with self._db.reader(fresh=fresh) as db:
            found = await self.access(db, actor.id, slug)
            rows = await self._repo.members(db, found.sanctum.id)
            people = await self._accounts.public_users(db, (m.user_id for m in rows))
        items = [
            SanctumMemberRead(user=people[m.user_id], role=m.role, joined_at=m.joined_at)
            for m in rows
            if m.user_id in people
            and (role is None or m.role == role)
            and (text is None or matches(people[m.user_id], text))
        ]
        items.sort(key=lambda m: (ROLE_ORDER.get(m.role, 3), m.user.display_name.lower(), m.user.username))
        return SanctumMemberList(items=items)

    # -- changing ---------------------------------------------------------------------------------

    async def create(self, actor: Actor, data: SanctumCreate) -> SanctumRead:
        now = utcnow()
        sanctum = Sanctum(
            id=uuid.uuid4(),
            slug=data.slug,
            name=data.name,
            description=data.description,
            visibility=data.visibility,
            created_by=actor.id,
            created_at=now,
            updated_at=now,
        )
        try:
            async with self._db.writer() as db:
                if await self._repo.by_slug(db, data.slug) is not None:
                    raise _slug_taken()
                limit = self._quotas.sanctums_per_account
                if await self._repo.owned(db, actor.id) >= limit:
                    raise QuotaExceeded("sanctums_per_account", limit, f"You already own {limit} sanctums.")
                db.add(sanctum)
                await db.flush()
                db.add(SanctumMember(sanctum_id=sanctum.id, user_id=actor.id, role="owner", joined_at=now))
                await self._rooms.create_sanctum_room(db, actor, sanctum.id, data.name, data.description)
        except IntegrityError as exc:
            raise _slug_taken() from exc  # created concurrently with the same slug
        return await self.get(actor, data.slug, fresh=True)

    async def update(self, actor: Actor, slug: str, data: SanctumUpdate) -> SanctumRead:
        changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
        async with self._db.writer() as db:
            await self.moderated(db, actor, slug)
            sanctum = await self._repo.by_slug_for_update(db, slug)
            if sanctum is None:
                raise _not_found()
            closing = changes.get("visibility") == "private" and sanctum.visibility != "private"
            for name, value in changes.items():
                setattr(sanctum, name, value)
            sanctum.updated_at = utcnow()
            if "name" in changes:
                await self._rooms.rename_sanctum_room(db, sanctum.id, sanctum.name)
            if closing:  # non-members watching its posts or rooms lose them, on every instance
                db.after_commit(partial(self._publisher.access_changed, sanctum_scope(sanctum.id), None))
        return await self.get(actor, slug, fresh=True)

    async def join(self, actor: Actor, slug: str) -> SanctumRead:
        try:
            async with self._db.writer() as db:
                found = await self.access(db, actor.id, slug)
                if found.role is None:
                    # Only a public sanctum is visible to a non-member, so anyone who got here may join.
                    await self._add(db, found.sanctum.id, actor.id)
        except IntegrityError:
            pass  # joined concurrently: already a member, which is what was asked
        return await self.get(actor, slug, fresh=True)

    async def add_member(self, actor: Actor, slug: str, user_id: uuid.UUID) -> SanctumMemberList:
        try:
            async with self._db.writer() as db:
                found = await self.moderated(db, actor, slug)
                if user_id not in await self._accounts.public_users(db, [user_id]):
                    raise NotFound("No such user.", code=ErrorCode.USER_NOT_FOUND)
                await self.bans.refuse(db, found.sanctum.id, user_id)
                await self._add(db, found.sanctum.id, user_id)
        except IntegrityError:
            pass  # added concurrently: already a member, which is what was asked
        return await self.members(actor, slug, fresh=True)

    async def _add(self, db: UnitOfWork, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> None:
        if await self._repo.member(db, sanctum_id, user_id) is not None:
            return
        # Whoever joins a sanctum everyone has left takes it over, so it is never stuck ownerless.
        role = "member" if await self._repo.members(db, sanctum_id, limit=1) else "owner"
        db.add(SanctumMember(sanctum_id=sanctum_id, user_id=user_id, role=role, joined_at=utcnow()))
        await db.flush()
        await self._rooms.sync_sanctum_member(db, sanctum_id, user_id, role)

    async def leave(self, actor: Actor, slug: str) -> None:
        async with self._db.writer() as db:
            found = await self.access(db, actor.id, slug)
            if found.role is None:
                raise Forbidden("You are not a member of this sanctum.", code=ErrorCode.NOT_A_MEMBER)
            sanctum_id = found.sanctum.id
            member = await self._repo.member(db, sanctum_id, actor.id)
            if member is None:
                return
            if member.role == "owner" and await self._repo.successor(db, sanctum_id) is not None:
                raise Conflict(
                    "Hand the sanctum to another member before you leave it.", code=ErrorCode.OWNER_MUST_TRANSFER
                )
            await self._repo.remove_member(db, sanctum_id, actor.id)
            await self._rooms.sync_sanctum_member(db, sanctum_id, actor.id, None)
            db.after_commit(partial(self._publisher.access_changed, sanctum_scope(sanctum_id), actor.id))

    async def set_role(self, actor: Actor, slug: str, user_id: uuid.UUID, role: str) -> SanctumMemberList:
        """Give a member a role (built-in or custom): `role.manage`, and only roles whose every
        permission the caller holds; the owner's role is the owner's to hand over (/transfer)."""
        if role == "owner":
            raise ValidationFailed(fields={"role": "hand the sanctum over with /transfer instead"})
        async with self._db.writer() as db:
            found = await self._managing_roles(db, actor, slug, user_id)
            if not await self._authz.role_exists(db, found.sanctum.id, role):
                raise NotFound("No such role.", code=ErrorCode.ROLE_NOT_FOUND)
            granted = await self._authz.permissions(db, actor, in_sanctum(found.sanctum.id, role))
            mine = await self._authz.permissions(db, actor, found.scope)
            if not granted <= mine:
                raise Forbidden("You cannot give a role more than you hold.", code=ErrorCode.MISSING_PERMISSION)
            member = await self._repo.member(db, found.sanctum.id, user_id)
            if member is None:
                raise NotFound("That person is not a member.", code=ErrorCode.MEMBER_NOT_FOUND)
            if member.role == "owner":
                raise Forbidden("The owner's role is theirs to hand over.", code=ErrorCode.NOT_OWNER)
            before, member.role = member.role, role
            await self._rooms.sync_sanctum_member(db, found.sanctum.id, user_id, role)
            await self._audit.record(
                db,
                actor,
                AuditAction.ROLE_ASSIGN,
                "user",
                user_id,
                sanctum_id=found.sanctum.id,
                metadata={"from": before, "to": role},
            )
        return await self.members(actor, slug, fresh=True)

    async def rename_role(self, db: UnitOfWork, sanctum_id: uuid.UUID, old: str, new: str) -> None:
        """Carry a custom role's new name to the members who hold it, in the caller's unit of work."""
        for user_id in await self._repo.holders(db, sanctum_id, old):
            await self._repo.set_role(db, sanctum_id, user_id, new)
            await self._rooms.sync_sanctum_member(db, sanctum_id, user_id, new)

    async def role_holders(self, db: AsyncSession, sanctum_id: uuid.UUID, role: str) -> list[uuid.UUID]:
        return await self._repo.holders(db, sanctum_id, role)

    async def transfer(self, actor: Actor, slug: str, user_id: uuid.UUID) -> SanctumMemberList:
        """The owner hands the sanctum to a member, and stays on as a moderator."""
        async with self._db.writer() as db:
            found = await self._as_owner(db, actor, slug, user_id)
            heir = await self._repo.member(db, found.sanctum.id, user_id)
            me = await self._repo.member(db, found.sanctum.id, actor.id)
            if heir is None or me is None:
                raise NotFound("That person is not a member.", code=ErrorCode.MEMBER_NOT_FOUND)
            heir.role, me.role = "owner", "moderator"
            await self._rooms.sync_sanctum_member(db, found.sanctum.id, user_id, "owner")
            await self._rooms.sync_sanctum_member(db, found.sanctum.id, actor.id, "moderator")
            await self._audit.record(
                db, actor, AuditAction.SANCTUM_TRANSFER, "user", user_id, sanctum_id=found.sanctum.id
            )
        return await self.members(actor, slug, fresh=True)

    async def remove_member(self, actor: Actor, slug: str, user_id: uuid.UUID) -> None:
        async with self._db.writer() as db:
            found = await self._managing_roles(db, actor, slug, user_id)
            await self.expel(db, found.sanctum.id, user_id)
            await self._audit.record(db, actor, AuditAction.MEMBER_REMOVE, "user", user_id, sanctum_id=found.sanctum.id)

    async def expel(self, db: UnitOfWork, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Take someone out of the sanctum and all its rooms; their live events stop on every instance
        once committed. The owner cannot be expelled (404 for one who is not a member)."""
        member = await self._repo.member(db, sanctum_id, user_id)
        if member is None:
            raise NotFound("That person is not a member.", code=ErrorCode.MEMBER_NOT_FOUND)
        if member.role == "owner":
            raise Forbidden("The owner cannot be removed.", code=ErrorCode.NOT_OWNER)
        await self._repo.remove_member(db, sanctum_id, user_id)
        await self._rooms.sync_sanctum_member(db, sanctum_id, user_id, None)
        db.after_commit(partial(self._publisher.access_changed, sanctum_scope(sanctum_id), user_id))

    # -- channels ---------------------------------------------------------------------------------

    async def channels(self, actor: Actor, slug: str) -> ChannelList:
        """The sanctum's channels, for its members only (whoever else may see the sanctum gets 403)."""
        async with self._db.reader() as db:
            found = await self.access(db, actor.id, slug)
            if found.role is None:
                raise Forbidden("Join the sanctum to see its channels.", code=ErrorCode.NOT_A_MEMBER)
            return ChannelList(items=await self._rooms.channels(db, found.sanctum.id))

    async def create_channel(self, actor: Actor, slug: str, data: ChannelCreate) -> ChannelRead:
        async with self._db.writer() as db:
            found = await self.moderated(db, actor, slug, Permission.ROOM_MANAGE)
            return await self._rooms.create_channel(db, actor, found.sanctum.id, data)

    async def delete_channel(self, actor: Actor, slug: str, room_id: uuid.UUID) -> None:
        """Owners and moderators (room.manage) delete a channel; the main room cannot be deleted."""
        async with self._db.writer() as db:
            found = await self.moderated(db, actor, slug, Permission.ROOM_MANAGE)
            await self._rooms.delete_channel(db, found.sanctum.id, room_id)

    async def order_channels(self, actor: Actor, slug: str, room_ids: list[uuid.UUID]) -> ChannelList:
        async with self._db.writer() as db:
            found = await self.moderated(db, actor, slug, Permission.ROOM_MANAGE)
            await self._rooms.order_channels(db, found.sanctum.id, room_ids)
            return ChannelList(items=await self._rooms.channels(db, found.sanctum.id))

    async def _managing_roles(self, db: AsyncSession, actor: Actor, slug: str, user_id: uuid.UUID) -> Access:
        found = await self.access(db, actor.id, slug)
        await self._authz.require(db, actor, Permission.ROLE_MANAGE, found.scope, code=ErrorCode.NOT_OWNER)
        if user_id == actor.id:
            raise ValidationFailed(fields={"user_id": "must be someone else"})
        return found

    async def _as_owner(self, db: AsyncSession, actor: Actor, slug: str, user_id: uuid.UUID) -> Access:
        found = await self.access(db, actor.id, slug)
        if found.role != "owner":
            raise Forbidden("Only the owner can hand the sanctum over.", code=ErrorCode.NOT_OWNER)
        if user_id == actor.id:
            raise ValidationFailed(fields={"user_id": "must be someone else"})
        return found


def _slug_taken() -> Conflict:
    return Conflict("That address is taken.", code=ErrorCode.SLUG_TAKEN, fields={"slug": "is already taken"})
