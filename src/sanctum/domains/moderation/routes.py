"""HTTP routes of moderation: parse, authenticate, call the service, serialize."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Path, Query, status
from pydantic import AwareDatetime

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.moderation.deps import ModerationServiceDep
from sanctum.domains.moderation.schemas import (
    AuditPage,
    Catalogue,
    RoleCreate,
    RoleList,
    RoleUpdate,
    SiteRoleChange,
)
from sanctum.domains.sanctums.routes import SlugPath

sanctum_roles = DomainRouter(prefix="/api/sanctums/{slug}/roles", tags=["moderation"], responses=ERROR_RESPONSES)
roles = DomainRouter(prefix="/api/roles", tags=["moderation"], responses=ERROR_RESPONSES)
admin = DomainRouter(prefix="/api/admin", tags=["moderation"], responses=ERROR_RESPONSES)
audit = DomainRouter(prefix="/api/audit", tags=["moderation"], responses=ERROR_RESPONSES)

RolePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,31}$", max_length=32)]


@roles.get("", response_model=Catalogue)
async def list_permissions(actor: CurrentActor, service: ModerationServiceDep) -> Catalogue:
    """Every permission and the built-in roles (site and sanctum) with what each holds."""
    return service.catalogue()


@sanctum_roles.get("", response_model=RoleList)
async def list_sanctum_roles(slug: SlugPath, actor: CurrentActor, service: ModerationServiceDep) -> RoleList:
    """The sanctum's roles, built-in and custom, with how many members hold each."""
    return await service.roles(actor, slug)


@sanctum_roles.post(
    "", status_code=status.HTTP_201_CREATED, response_model=RoleList, dependencies=[per_account("moderation")]
)
async def create_sanctum_role(
    slug: SlugPath, body: RoleCreate, actor: CurrentActor, service: ModerationServiceDep
) -> RoleList:
    """Make a custom role (`role.manage`), with permissions the caller holds."""
    return await service.create_role(actor, slug, body)


@sanctum_roles.patch("/{name}", response_model=RoleList, dependencies=[per_account("moderation")])
async def update_sanctum_role(
    slug: SlugPath, name: RolePath, body: RoleUpdate, actor: CurrentActor, service: ModerationServiceDep
) -> RoleList:
    """Rename a custom role or change its permissions (`role.manage`)."""
    return await service.update_role(actor, slug, name, body)


@sanctum_roles.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("moderation")])
async def delete_sanctum_role(
    slug: SlugPath, name: RolePath, actor: CurrentActor, service: ModerationServiceDep
) -> None:
    """Delete a custom role (`role.manage`); whoever held it becomes a member."""
    await service.delete_role(actor, slug, name)


@admin.put(
    "/users/{user_id}/site-role", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("moderation")]
)
async def set_site_role(
    user_id: uuid.UUID, body: SiteRoleChange, actor: CurrentActor, service: ModerationServiceDep
) -> None:
    """Make someone a site admin or moderator, or take it away (site admins)."""
    await service.set_site_role(actor, user_id, body.role)


@audit.get("", response_model=AuditPage)
async def list_audit_entries(
    actor: CurrentActor,
    service: ModerationServiceDep,
    sanctum: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$", max_length=40)] = None,
    action: Annotated[str | None, Query(pattern=r"^[a-z_.]{1,48}$", max_length=48)] = None,
    actor_id: uuid.UUID | None = None,
    target_id: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", max_length=64)] = None,
    since: AwareDatetime | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> AuditPage:
    """The audit log, newest first (`audit.read`): site staff see every row, a sanctum's moderators
    that sanctum's (`?sanctum=slug`)."""
    when: datetime | None = since
    return await service.audit(
        actor,
        slug=sanctum,
        action=action,
        actor_id=actor_id,
        target_id=target_id,
        since=when,
        cursor=cursor,
        limit=limit,
    )
