"""`Authorizer.require(db, actor, permission, scope)`: the one authorization function.

Whoever asks already holds the caller's role in the scope (the membership read that decides
visibility yields it), so the decision is the union of two sets: the permissions of the caller's site
role (`users.site_role`, on the authenticated user) and those of their role in the scope. A built-in
role's set is a constant; a custom role's comes from a near cache of the sanctum's custom roles
(cache/local.py: every instance forgets it when a role changes), so a check never costs a query on
the hot path. Visibility stays the caller's business: a stranger to a private sanctum gets its 404
before any permission is asked; `require` refuses with 403 and `MISSING_PERMISSION` unless the caller
passes a more specific code.

Custom roles are edited here in the caller's unit of work (moderation service), which records them in
the audit log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.cache.local import InvalidationBus, LocalCache
from sanctum.core.clock import utcnow
from sanctum.core.errors import Conflict, ErrorCode, Forbidden, NotFound
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import Actor
from sanctum.domains.roles.models import SanctumRole
from sanctum.domains.roles.permissions import (
    NO_PERMISSIONS,
    ROOM_ROLES,
    SANCTUM_ROLES,
    SITE_ROLES,
    Permission,
    parse,
    serialize,
)
from sanctum.domains.roles.repository import RoleRepository

CUSTOM_ROLE_TTL_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a permission is asked: the site, a sanctum (its rooms included) or a room of no sanctum,
    with the caller's role there as the caller read it (None: not a member)."""

    kind: Literal["site", "sanctum", "room"]
    id: uuid.UUID | None = None
    role: str | None = None


SITE = Scope("site")


def in_sanctum(sanctum_id: uuid.UUID, role: str | None) -> Scope:
    return Scope("sanctum", sanctum_id, role)


def in_room(room_id: uuid.UUID, sanctum_id: uuid.UUID | None, role: str | None) -> Scope:
    """A sanctum's room is in the sanctum's scope (its members' room role mirrors the sanctum role)."""
    return Scope("sanctum", sanctum_id, role) if sanctum_id is not None else Scope("room", room_id, role)


@dataclass(frozen=True, slots=True)
class CustomRole:
    name: str
    permissions: frozenset[Permission]


class Authorizer:
    def __init__(self, bus: InvalidationBus) -> None:
        self._custom: LocalCache[dict[str, frozenset[Permission]]] = LocalCache(
            bus, "sanctum_roles", ttl_seconds=CUSTOM_ROLE_TTL_SECONDS, max_entries=10_000
        )
        self._repo = RoleRepository()

    # -- deciding ---------------------------------------------------------------------------------

    async def permissions(self, db: AsyncSession, actor: Actor, scope: Scope) -> frozenset[Permission]:
        site = SITE_ROLES.get(actor.user.site_role or "", NO_PERMISSIONS)
        return site | await self._of_role(db, scope)

    async def allows(self, db: AsyncSession, actor: Actor, permission: Permission, scope: Scope) -> bool:
        return permission in await self.permissions(db, actor, scope)

    async def require(
        self,
        db: AsyncSession,
        actor: Actor,
        permission: Permission,
        scope: Scope,
        *,
        code: ErrorCode = ErrorCode.MISSING_PERMISSION,
        message: str | None = None,
    ) -> None:
        if permission not in await self.permissions(db, actor, scope):
            raise Forbidden(message or f"You need the {permission.value} permission here.", code=code)

    async def _of_role(self, db: AsyncSession, scope: Scope) -> frozenset[Permission]:
        role = scope.role
        if role is None or scope.kind == "site":
            return NO_PERMISSIONS
        if scope.kind == "room":
            return ROOM_ROLES.get(role, NO_PERMISSIONS)
        builtin = SANCTUM_ROLES.get(role)
        if builtin is not None:
            return builtin
        assert scope.id is not None
        return (await self.custom_roles(db, scope.id)).get(role, NO_PERMISSIONS)

    # -- custom roles, in the caller's session ----------------------------------------------------

    async def custom_roles(self, db: AsyncSession, sanctum_id: uuid.UUID) -> dict[str, frozenset[Permission]]:
        async def load() -> dict[str, frozenset[Permission]]:
            return {r.name: parse(r.permissions) for r in await self._repo.of_sanctum(db, sanctum_id)}

        return await self._custom.get_or_load(str(sanctum_id), load)

    async def role_exists(self, db: AsyncSession, sanctum_id: uuid.UUID, name: str) -> bool:
        return name in SANCTUM_ROLES or name in await self.custom_roles(db, sanctum_id)

    async def create_role(
        self, db: UnitOfWork, sanctum_id: uuid.UUID, name: str, permissions: frozenset[Permission]
    ) -> CustomRole:
        if name in SANCTUM_ROLES or await self._repo.by_name(db, sanctum_id, name) is not None:
            raise Conflict("A role with this name exists.", code=ErrorCode.ROLE_EXISTS, fields={"name": "is taken"})
        now = utcnow()
        db.add(
            SanctumRole(
                id=uuid.uuid4(),
                sanctum_id=sanctum_id,
                name=name,
                permissions=serialize(permissions),
                created_at=now,
                updated_at=now,
            )
        )
        await db.flush()
        self._forget_after(db, sanctum_id)
        return CustomRole(name, permissions)

    async def update_role(
        self,
        db: UnitOfWork,
        sanctum_id: uuid.UUID,
        name: str,
        new_name: str | None,
        permissions: frozenset[Permission] | None,
    ) -> CustomRole:
        """Change a custom role; a rename is the caller's to carry to the members who hold it."""
        role = await self._custom_role(db, sanctum_id, name)
        if new_name is not None and new_name != name:
            if new_name in SANCTUM_ROLES or await self._repo.by_name(db, sanctum_id, new_name) is not None:
                raise Conflict("A role with this name exists.", code=ErrorCode.ROLE_EXISTS, fields={"name": "is taken"})
            role.name = new_name
        if permissions is not None:
            role.permissions = serialize(permissions)
        role.updated_at = utcnow()
        await db.flush()
        self._forget_after(db, sanctum_id)
        return CustomRole(role.name, parse(role.permissions))

    async def delete_role(self, db: UnitOfWork, sanctum_id: uuid.UUID, name: str) -> None:
        role = await self._custom_role(db, sanctum_id, name)
        await db.delete(role)
        await db.flush()
        self._forget_after(db, sanctum_id)

    async def _custom_role(self, db: AsyncSession, sanctum_id: uuid.UUID, name: str) -> SanctumRole:
        if name in SANCTUM_ROLES:
            raise Forbidden("Built-in roles cannot be changed.", code=ErrorCode.MISSING_PERMISSION)
        role = await self._repo.by_name(db, sanctum_id, name)
        if role is None:
            raise NotFound("No such role.", code=ErrorCode.ROLE_NOT_FOUND)
        return role

    def _forget_after(self, db: UnitOfWork, sanctum_id: uuid.UUID) -> None:
        db.after_commit(partial(self._custom.forget, [str(sanctum_id)]))
