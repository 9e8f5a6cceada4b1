"""Wire models of moderation: roles, the audit log, mutes, bans and suspensions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from sanctum.core.text import Body
from sanctum.domains.accounts.schemas import PublicUser, Strict
from sanctum.domains.roles.permissions import Permission
from sanctum.domains.sanctums.schemas import Role

Reason = Annotated[str, Body("reason", max_length=500, may_be_empty=True)]


class RoleRead(BaseModel):
    name: str
    permissions: list[Permission]
    builtin: bool = Field(description="Built-in roles (owner, admin, moderator, member) cannot be changed.")
    holders: int = Field(0, description="How many members hold it.")


class RoleList(BaseModel):
    items: list[RoleRead]
    my_permissions: list[Permission] = Field(description="What the caller may do in this sanctum.")


class RoleCreate(Strict):
    name: Role
    permissions: list[Permission] = Field(default_factory=list, max_length=20)


class RoleUpdate(Strict):
    name: Role | None = None
    permissions: list[Permission] | None = Field(None, max_length=20)


class SiteRoleChange(Strict):
    role: Literal["admin", "moderator"] | None = Field(description="Null takes the site role away.")


class Catalogue(BaseModel):
    """Every permission, and the built-in roles at each scope with what they hold."""

    permissions: list[Permission]
    site_roles: list[RoleRead]
    sanctum_roles: list[RoleRead]


class AuditEntryRead(BaseModel):
    id: int
    created_at: datetime
    actor: PublicUser | None = Field(description="Null for a deleted account or the system.")
    action: str
    target_type: str
    target_id: str
    sanctum_id: uuid.UUID | None
    metadata: dict[str, Any]
    ip: str | None = Field(description="Shown to site admins only.")
    target_user: PublicUser | None = Field(
        None, description="The person a `user` target names, while their account exists."
    )


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    next_cursor: str | None


class BanCreate(Strict):
    reason: Reason = ""


class BanRead(BaseModel):
    user: PublicUser
    reason: str
    banned_by: uuid.UUID | None
    created_at: datetime


class BanList(BaseModel):
    items: list[BanRead]


class SuspensionCreate(Strict):
    reason: Annotated[str, Body("reason", max_length=500)]
    until: datetime | None = Field(None, description="When it ends by itself (in the future); null until lifted.")


class SuspensionRead(BaseModel):
    user_id: uuid.UUID
    suspended: bool
    until: datetime | None
    reason: str
    sessions_revoked: int = 0


class SuspendedAccount(BaseModel):
    user: PublicUser
    reason: str
    suspended_at: datetime
    until: datetime | None = Field(description="When it ends by itself; null until lifted.")


class SuspensionPage(BaseModel):
    items: list[SuspendedAccount] = Field(description="Suspended now, most recently suspended first.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at the end.")


class SiteStaffMember(BaseModel):
    user: PublicUser
    role: Literal["admin", "moderator"]


class SiteStaffPage(BaseModel):
    items: list[SiteStaffMember] = Field(description="Whoever holds a site role, by username.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at the end.")
