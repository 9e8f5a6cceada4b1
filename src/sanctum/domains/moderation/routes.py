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
from sanctum.domains.chat.deps import ChatModerationDep
from sanctum.domains.chat.schemas import MuteCreate, MuteRead, PinList
from sanctum.domains.moderation.deps import ModerationServiceDep, SanctionsDep
from sanctum.domains.moderation.schemas import (
    AuditPage,
    BanCreate,
    BanList,
    Catalogue,
    RoleCreate,
    RoleList,
    RoleUpdate,
    SiteRoleChange,
    SiteStaffPage,
    SuspensionCreate,
    SuspensionPage,
    SuspensionRead,
)
from sanctum.domains.sanctums.routes import SlugPath

sanctum_roles = DomainRouter(prefix="/api/sanctums/{slug}/roles", tags=["moderation"], responses=ERROR_RESPONSES)
roles = DomainRouter(prefix="/api/roles", tags=["moderation"], responses=ERROR_RESPONSES)
admin = DomainRouter(prefix="/api/admin", tags=["moderation"], responses=ERROR_RESPONSES)
audit = DomainRouter(prefix="/api/audit", tags=["moderation"], responses=ERROR_RESPONSES)
room_moderation = DomainRouter(prefix="/api/rooms/{room_id}", tags=["moderation"], responses=ERROR_RESPONSES)
sanctum_moderation = DomainRouter(prefix="/api/sanctums/{slug}", tags=["moderation"], responses=ERROR_RESPONSES)
MessageId = Annotated[int, Path(ge=1, le=2**62)]
_MODERATION = [per_account("moderation")]

RolePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,31}$", max_length=32)]
CursorQuery = Annotated[str | None, Query(max_length=200)]
LimitQuery = Annotated[int, Query(ge=1, le=100)]


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


@admin.get("/staff", response_model=SiteStaffPage)
async def list_site_staff(
    actor: CurrentActor, service: ModerationServiceDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> SiteStaffPage:
    """Whoever holds a site role, by username (site admins)."""
    return await service.site_staff(actor, cursor, limit)


@audit.get("", response_model=AuditPage)
async def list_audit_entries(
    actor: CurrentActor,
    service: ModerationServiceDep,
    sanctum: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$", max_length=40)] = None,
    action: Annotated[str | None, Query(pattern=r"^[a-z_.]{1,48}$", max_length=48)] = None,
    actor_id: uuid.UUID | None = None,
    target_id: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", max_length=64)] = None,
    since: AwareDatetime | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
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


# -- pins and room mutes -------------------------------------------------------------------------


@room_moderation.get("/pins", response_model=PinList)
async def list_pins(room_id: uuid.UUID, actor: CurrentActor, service: ChatModerationDep) -> PinList:
    """The room's pinned messages, oldest pin first (whoever may see the room)."""
    return await service.pins(actor, room_id)


@room_moderation.post("/messages/{message_id}/pin", response_model=PinList, dependencies=_MODERATION)
async def pin_message(
    room_id: uuid.UUID, message_id: MessageId, actor: CurrentActor, service: ChatModerationDep
) -> PinList:
    """Pin a message (`message.pin`); a room holds at most 3 (a fourth is 409 PIN_LIMIT)."""
    return await service.pin(actor, room_id, message_id, True)


@room_moderation.delete("/messages/{message_id}/pin", response_model=PinList, dependencies=_MODERATION)
async def unpin_message(
    room_id: uuid.UUID, message_id: MessageId, actor: CurrentActor, service: ChatModerationDep
) -> PinList:
    """Unpin a message (`message.pin`)."""
    return await service.pin(actor, room_id, message_id, False)


@room_moderation.post("/mutes/{user_id}", response_model=MuteRead, dependencies=_MODERATION)
async def mute_in_room(
    room_id: uuid.UUID, user_id: uuid.UUID, body: MuteCreate, actor: CurrentActor, service: ChatModerationDep
) -> MuteRead:
    """Mute a member here for a while (`user.mute`): their sends get 403 MUTED until it ends by itself."""
    return await service.mute(actor, room_id, user_id, body.duration_seconds, body.reason)


@room_moderation.delete("/mutes/{user_id}", response_model=MuteRead, dependencies=_MODERATION)
async def unmute_in_room(
    room_id: uuid.UUID, user_id: uuid.UUID, actor: CurrentActor, service: ChatModerationDep
) -> MuteRead:
    """Lift a mute early (`user.mute`)."""
    return await service.mute(actor, room_id, user_id, None)


# -- bans and sanctum-wide mutes -----------------------------------------------------------------


@sanctum_moderation.get("/bans", response_model=BanList)
async def list_bans(slug: SlugPath, actor: CurrentActor, service: SanctionsDep) -> BanList:
    """Who is banned from the sanctum (`user.ban`)."""
    return await service.bans(actor, slug)


@sanctum_moderation.post("/bans/{user_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=_MODERATION)
async def ban_from_sanctum(
    slug: SlugPath, user_id: uuid.UUID, body: BanCreate, actor: CurrentActor, service: SanctionsDep
) -> None:
    """Ban someone (`user.ban`): out of the sanctum and its rooms at once, and kept out."""
    await service.ban(actor, slug, user_id, body.reason, True)


@sanctum_moderation.delete("/bans/{user_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=_MODERATION)
async def unban_from_sanctum(slug: SlugPath, user_id: uuid.UUID, actor: CurrentActor, service: SanctionsDep) -> None:
    """Lift a ban (`user.ban`); they may join again."""
    await service.ban(actor, slug, user_id, "", False)


@sanctum_moderation.post("/mutes/{user_id}", response_model=MuteRead, dependencies=_MODERATION)
async def mute_in_sanctum(
    slug: SlugPath, user_id: uuid.UUID, body: MuteCreate, actor: CurrentActor, service: SanctionsDep
) -> MuteRead:
    """Mute a member in every room of the sanctum for a while (`user.mute`)."""
    return await service.mute(actor, slug, user_id, body.duration_seconds, body.reason)


@sanctum_moderation.delete("/mutes/{user_id}", response_model=MuteRead, dependencies=_MODERATION)
async def unmute_in_sanctum(slug: SlugPath, user_id: uuid.UUID, actor: CurrentActor, service: SanctionsDep) -> MuteRead:
    """Lift a sanctum-wide mute (`user.mute`); it lifts room mutes in its rooms too."""
    return await service.mute(actor, slug, user_id, None)


# -- suspensions ---------------------------------------------------------------------------------


@admin.post("/users/{user_id}/suspension", response_model=SuspensionRead, dependencies=_MODERATION)
async def suspend_account(
    user_id: uuid.UUID, body: SuspensionCreate, actor: CurrentActor, service: SanctionsDep
) -> SuspensionRead:
    """Suspend an account (site admins): every session ends at once; login is refused until it ends."""
    return await service.suspend(actor, user_id, body)


@admin.delete("/users/{user_id}/suspension", response_model=SuspensionRead, dependencies=_MODERATION)
async def lift_suspension(user_id: uuid.UUID, actor: CurrentActor, service: SanctionsDep) -> SuspensionRead:
    """Lift a suspension (site admins)."""
    return await service.suspend(actor, user_id, None)


@admin.get("/suspensions", response_model=SuspensionPage)
async def list_suspensions(
    actor: CurrentActor, service: SanctionsDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> SuspensionPage:
    """The accounts suspended now, most recently suspended first (site admins)."""
    return await service.suspensions(actor, cursor, limit)
