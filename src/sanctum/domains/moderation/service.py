"""Moderation use cases: roles (custom sanctum roles, site roles) and the audit log's reader.

Rules: managing a sanctum's roles takes `role.manage` there, and nobody makes or gives a role with a
permission they do not hold themselves; built-in roles are fixed. A deleted custom role's holders
become members. Site roles are given by site admins (`site.admin`). The audit log is read with
`audit.read`: site-wide by site staff, one sanctum at a time by that sanctum's moderators; the IP
address of a row is shown to site admins only. Every change here records itself in the audit log in
its own unit of work.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.errors import ErrorCode, Forbidden, ValidationFailed
from sanctum.core.pagination import IdCursor, NameCursor, decode_cursor, encode_cursor
from sanctum.db.database import Database
from sanctum.domains.accounts.service import AccountService, Actor, to_public
from sanctum.domains.accounts.staff import AccountStaff
from sanctum.domains.audit.service import AuditAction, AuditLog, details_of
from sanctum.domains.moderation.schemas import (
    AuditEntryRead,
    AuditPage,
    Catalogue,
    RoleCreate,
    RoleList,
    RoleRead,
    RoleUpdate,
    SiteStaffMember,
    SiteStaffPage,
)
from sanctum.domains.roles.permissions import SANCTUM_GRANTABLE, SANCTUM_ROLES, SITE_ROLES, Permission
from sanctum.domains.roles.service import SITE, Authorizer
from sanctum.domains.sanctums.service import Access, SanctumService


def _user_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _sorted(permissions: frozenset[Permission] | set[Permission]) -> list[Permission]:
    return sorted(permissions, key=lambda p: p.value)


class ModerationService:
    def __init__(
        self,
        db: Database,
        authz: Authorizer,
        accounts: AccountService,
        staff: AccountStaff,
        sanctums: SanctumService,
        audit: AuditLog,
    ) -> None:
        self._db = db
        self._staff = staff
        self._authz = authz
        self._accounts = accounts
        self._sanctums = sanctums
        self._audit = audit

    # -- the catalogue ----------------------------------------------------------------------------

    def catalogue(self) -> Catalogue:
        return Catalogue(
            permissions=list(Permission),
            site_roles=[RoleRead(name=n, permissions=_sorted(p), builtin=True) for n, p in SITE_ROLES.items()],
            sanctum_roles=[RoleRead(name=n, permissions=_sorted(p), builtin=True) for n, p in SANCTUM_ROLES.items()],
        )

    # -- a sanctum's roles ------------------------------------------------------------------------

    async def roles(self, actor: Actor, slug: str) -> RoleList:
        async with self._db.reader() as db:
            found = await self._sanctums.access(db, actor.id, slug)
            return await self._role_list(db, actor, found)

    async def _role_list(self, db: AsyncSession, actor: Actor, found: Access) -> RoleList:
        sanctum_id = found.sanctum.id
        custom = await self._authz.custom_roles(db, sanctum_id)
        items = []
        for name, permissions in [*SANCTUM_ROLES.items(), *sorted(custom.items())]:
            holders = len(await self._sanctums.role_holders(db, sanctum_id, name))
            items.append(
                RoleRead(name=name, permissions=_sorted(permissions), builtin=name in SANCTUM_ROLES, holders=holders)
            )
        mine = await self._authz.permissions(db, actor, found.scope)
        return RoleList(items=items, my_permissions=_sorted(mine))

    async def _managing(self, db: AsyncSession, actor: Actor, slug: str, wanted: set[Permission]) -> Access:
        found = await self._sanctums.access(db, actor.id, slug)
        await self._authz.require(db, actor, Permission.ROLE_MANAGE, found.scope)
        if not wanted <= SANCTUM_GRANTABLE:
            raise ValidationFailed(fields={"permissions": "site.admin is not a sanctum permission"})
        if not wanted <= await self._authz.permissions(db, actor, found.scope):
            raise Forbidden("You cannot grant a permission you do not hold.", code=ErrorCode.MISSING_PERMISSION)
        return found

    async def create_role(self, actor: Actor, slug: str, data: RoleCreate) -> RoleList:
        wanted = set(data.permissions)
        async with self._db.writer() as db:
            found = await self._managing(db, actor, slug, wanted)
            await self._authz.create_role(db, found.sanctum.id, data.name, frozenset(wanted))
            await self._audit.record(
                db,
                actor,
                AuditAction.ROLE_CREATE,
                "role",
                data.name,
                sanctum_id=found.sanctum.id,
                metadata={"permissions": sorted(p.value for p in wanted)},
            )
        return await self.roles(actor, slug)

    async def update_role(self, actor: Actor, slug: str, name: str, data: RoleUpdate) -> RoleList:
        wanted = set(data.permissions) if data.permissions is not None else set()
        async with self._db.writer() as db:
            found = await self._managing(db, actor, slug, wanted)
            sanctum_id = found.sanctum.id
            role = await self._authz.update_role(
                db, sanctum_id, name, data.name, frozenset(wanted) if data.permissions is not None else None
            )
            if role.name != name:
                await self._sanctums.rename_role(db, sanctum_id, name, role.name)
            await self._audit.record(
                db,
                actor,
                AuditAction.ROLE_UPDATE,
                "role",
                name,
                sanctum_id=sanctum_id,
                metadata={"name": role.name, "permissions": sorted(p.value for p in role.permissions)},
            )
        return await self.roles(actor, slug)

    async def delete_role(self, actor: Actor, slug: str, name: str) -> None:
        async with self._db.writer() as db:
            found = await self._managing(db, actor, slug, set())
            await self._authz.delete_role(db, found.sanctum.id, name)
            await self._sanctums.rename_role(db, found.sanctum.id, name, "member")
            await self._audit.record(db, actor, AuditAction.ROLE_DELETE, "role", name, sanctum_id=found.sanctum.id)

    # -- site roles -------------------------------------------------------------------------------

    async def set_site_role(self, actor: Actor, user_id: uuid.UUID, role: str | None) -> None:
        if user_id == actor.id:
            raise ValidationFailed(fields={"user_id": "must be someone else"})
        async with self._db.writer() as db:
            await self._authz.require(db, actor, Permission.SITE_ADMIN, SITE)
            user = await self._staff.set_site_role(db, user_id, role)
            await self._audit.record(db, actor, AuditAction.SITE_ROLE_ASSIGN, "user", user.id, metadata={"role": role})

    async def site_staff(self, actor: Actor, cursor: str | None, limit: int) -> SiteStaffPage:
        """Whoever holds a site role (site admins), by username."""
        after = decode_cursor(cursor, NameCursor).n if cursor else None
        async with self._db.reader() as db:
            await self._authz.require(db, actor, Permission.SITE_ADMIN, SITE)
            rows = await self._staff.site_staff(db, after, limit + 1)
        items = [
            SiteStaffMember(user=to_public(u), role=role)
            for u in rows[:limit]
            if (role := u.site_role) in ("admin", "moderator")
        ]
        more = len(rows) > limit and bool(items)
        last = items[-1].user if items else None
        return SiteStaffPage(
            items=items,
            next_cursor=encode_cursor(NameCursor(n=last.username, i=last.id)) if more and last else None,
        )

    # -- the audit log ----------------------------------------------------------------------------

    async def audit(
        self,
        actor: Actor,
        *,
        slug: str | None,
        action: str | None,
        actor_id: uuid.UUID | None,
        target_id: str | None,
        since: datetime | None,
        cursor: str | None,
        limit: int,
    ) -> AuditPage:
        before = decode_cursor(cursor, IdCursor).i if cursor else None
        async with self._db.reader() as db:
            site_staff = await self._authz.allows(db, actor, Permission.AUDIT_READ, SITE)
            sanctum_id: uuid.UUID | None = None
            if slug is not None:
                found = await self._sanctums.access(db, actor.id, slug)
                await self._authz.require(db, actor, Permission.AUDIT_READ, found.scope)
                sanctum_id = found.sanctum.id
            elif not site_staff:
                raise Forbidden(
                    "Name the sanctum whose log you moderate (?sanctum=slug).", code=ErrorCode.MISSING_PERMISSION
                )
            rows = await self._audit.page(
                db,
                sanctum_id=sanctum_id,
                action=action,
                actor_id=actor_id,
                target_id=target_id,
                since=since,
                before_id=before,
                limit=limit + 1,
            )
            page = rows[:limit]
            targets = {r.id: _user_id(r.target_id) for r in page if r.target_type == "user"}
            wanted = {r.actor_id for r in page if r.actor_id is not None} | {t for t in targets.values() if t}
            people = await self._accounts.public_users(db, wanted)
        admin = actor.user.is_admin
        items = [
            AuditEntryRead(
                id=r.id,
                created_at=r.created_at,
                actor=people.get(r.actor_id) if r.actor_id is not None else None,
                action=r.action,
                target_type=r.target_type,
                target_id=r.target_id,
                sanctum_id=r.sanctum_id,
                metadata=details_of(r),
                ip=r.ip if admin else None,
                target_user=people.get(t) if (t := targets.get(r.id)) is not None else None,
            )
            for r in page
        ]
        more = len(rows) > limit
        return AuditPage(items=items, next_cursor=encode_cursor(IdCursor(i=page[-1].id)) if more and page else None)
