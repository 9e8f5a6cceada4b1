"""HTTP routes of sanctums: parse, authenticate, call the service, serialize."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path, Query, status

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.chat.schemas import ChannelCreate, ChannelList, ChannelOrder, ChannelRead
from sanctum.domains.sanctums.deps import SanctumServiceDep
from sanctum.domains.sanctums.schemas import (
    SLUG_PATTERN,
    MemberAdd,
    Role,
    RoleChange,
    SanctumCreate,
    SanctumMemberList,
    SanctumPage,
    SanctumRead,
    SanctumUpdate,
)

sanctums = DomainRouter(prefix="/api/sanctums", tags=["sanctums"], responses=ERROR_RESPONSES)
me = DomainRouter(prefix="/api/users/me", tags=["users"], responses=ERROR_RESPONSES)

SlugPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=40)]


@sanctums.post(
    "", status_code=status.HTTP_201_CREATED, response_model=SanctumRead, dependencies=[per_account("sanctum_create")]
)
async def create_sanctum(body: SanctumCreate, actor: CurrentActor, service: SanctumServiceDep) -> SanctumRead:
    """Found a sanctum (the caller owns it) and its main chat room."""
    return await service.create(actor, body)


@sanctums.get("", response_model=SanctumPage)
async def list_sanctums(
    actor: CurrentActor,
    service: SanctumServiceDep,
    q: Annotated[str | None, Query(max_length=80, description="Part of a sanctum's name.")] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> SanctumPage:
    """Discover public sanctums, by name."""
    return await service.discover(actor, q, cursor, limit)


@sanctums.get("/{slug}", response_model=SanctumRead)
async def get_sanctum(slug: SlugPath, actor: CurrentActor, service: SanctumServiceDep) -> SanctumRead:
    return await service.get(actor, slug)


@sanctums.patch("/{slug}", response_model=SanctumRead, dependencies=[per_account("write")])
async def update_sanctum(
    slug: SlugPath, body: SanctumUpdate, actor: CurrentActor, service: SanctumServiceDep
) -> SanctumRead:
    """Change the name, description or visibility (owner and moderators)."""
    return await service.update(actor, slug, body)


@sanctums.post("/{slug}/join", response_model=SanctumRead, dependencies=[per_account("write")])
async def join_sanctum(slug: SlugPath, actor: CurrentActor, service: SanctumServiceDep) -> SanctumRead:
    """Join a public sanctum and its room (joining again changes nothing)."""
    return await service.join(actor, slug)


@sanctums.post("/{slug}/leave", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("write")])
async def leave_sanctum(slug: SlugPath, actor: CurrentActor, service: SanctumServiceDep) -> None:
    """Leave the sanctum and its room. The owner of a sanctum with other members hands it over first
    (409 `OWNER_MUST_TRANSFER`)."""
    await service.leave(actor, slug)


@sanctums.get("/{slug}/members", response_model=SanctumMemberList)
async def list_sanctum_members(
    slug: SlugPath,
    actor: CurrentActor,
    service: SanctumServiceDep,
    q: Annotated[str | None, Query(max_length=64, description="The start of a member's name or @username.")] = None,
    role: Annotated[Role | None, Query(description="Only members with this role.")] = None,
) -> SanctumMemberList:
    """The member directory: owner first, then moderators, then members, each by name."""
    return await service.members(actor, slug, q=q, role=role)


@sanctums.post("/{slug}/members", response_model=SanctumMemberList, dependencies=[per_account("invite")])
async def add_sanctum_member(
    slug: SlugPath, body: MemberAdd, actor: CurrentActor, service: SanctumServiceDep
) -> SanctumMemberList:
    """Add someone (owner and moderators): the way into a private sanctum."""
    return await service.add_member(actor, slug, body.user_id)


@sanctums.put("/{slug}/members/{user_id}/role", response_model=SanctumMemberList, dependencies=[per_account("write")])
async def set_sanctum_role(
    slug: SlugPath, user_id: uuid.UUID, body: RoleChange, actor: CurrentActor, service: SanctumServiceDep
) -> SanctumMemberList:
    """Give a member a role, built-in or custom (`role.manage`; not owner: see /transfer)."""
    return await service.set_role(actor, slug, user_id, body.role)


@sanctums.delete(
    "/{slug}/members/{user_id}/role", response_model=SanctumMemberList, dependencies=[per_account("write")]
)
async def remove_sanctum_role(
    slug: SlugPath, user_id: uuid.UUID, actor: CurrentActor, service: SanctumServiceDep
) -> SanctumMemberList:
    """Take a member's role away: they are a plain member again (`role.manage`)."""
    return await service.set_role(actor, slug, user_id, "member")


@sanctums.post("/{slug}/transfer", response_model=SanctumMemberList, dependencies=[per_account("write")])
async def transfer_sanctum(
    slug: SlugPath, body: MemberAdd, actor: CurrentActor, service: SanctumServiceDep
) -> SanctumMemberList:
    """Hand the sanctum to one of its members (owner only); the former owner stays as a moderator."""
    return await service.transfer(actor, slug, body.user_id)


@sanctums.delete(
    "/{slug}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("write")]
)
async def remove_sanctum_member(
    slug: SlugPath, user_id: uuid.UUID, actor: CurrentActor, service: SanctumServiceDep
) -> None:
    """Remove a member from the sanctum and its rooms (`role.manage`; never the owner)."""
    await service.remove_member(actor, slug, user_id)


@sanctums.get("/{slug}/channels", response_model=ChannelList)
async def list_sanctum_channels(slug: SlugPath, actor: CurrentActor, service: SanctumServiceDep) -> ChannelList:
    """The sanctum's rooms besides its main room, in order (members only)."""
    return await service.channels(actor, slug)


@sanctums.post(
    "/{slug}/channels",
    status_code=status.HTTP_201_CREATED,
    response_model=ChannelRead,
    dependencies=[per_account("room_create")],
)
async def create_sanctum_channel(
    slug: SlugPath, body: ChannelCreate, actor: CurrentActor, service: SanctumServiceDep
) -> ChannelRead:
    """Add a channel (owner and moderators); every member of the sanctum is in it."""
    return await service.create_channel(actor, slug, body)


@sanctums.delete(
    "/{slug}/channels/{room_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("write")]
)
async def delete_sanctum_channel(
    slug: SlugPath, room_id: uuid.UUID, actor: CurrentActor, service: SanctumServiceDep
) -> None:
    """Delete a channel and its messages (owner and moderators); its members lose it at once (`room.removed`).
    The main room is not a channel: 404."""
    await service.delete_channel(actor, slug, room_id)


@sanctums.put("/{slug}/channels/order", response_model=ChannelList, dependencies=[per_account("write")])
async def order_sanctum_channels(
    slug: SlugPath, body: ChannelOrder, actor: CurrentActor, service: SanctumServiceDep
) -> ChannelList:
    """Reorder the channels (owner and moderators): every channel's id, once, in the new order."""
    return await service.order_channels(actor, slug, body.room_ids)


@me.get("/sanctums", response_model=SanctumPage)
async def list_my_sanctums(actor: CurrentActor, service: SanctumServiceDep) -> SanctumPage:
    """The caller's sanctums, by name."""
    return await service.mine(actor)
