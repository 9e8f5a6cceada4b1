"""HTTP routes of invite links: parse, authenticate, call the service, serialize."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import status

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES, ErrorEnvelope
from sanctum.domains.accounts.deps import Client, CurrentActor
from sanctum.domains.invites.deps import InviteServiceDep
from sanctum.domains.invites.schemas import (
    InviteCreated,
    InviteLinkCreate,
    InviteList,
    InvitePreview,
    InviteRedeemed,
    InviteTokenBody,
)
from sanctum.domains.sanctums.routes import SlugPath

_GONE: dict[int | str, dict[str, Any]] = {
    410: {"model": ErrorEnvelope, "description": "The link expired, was revoked or is used up"}
}
_RESPONSES = {**ERROR_RESPONSES, **_GONE}
# One router per prefix, so a request elsewhere skips each at once (api/routing.py).
sanctum_invites = DomainRouter(prefix="/api/sanctums/{slug}/invites", tags=["invites"], responses=_RESPONSES)
room_invites = DomainRouter(prefix="/api/rooms/{room_id}/invites", tags=["invites"], responses=_RESPONSES)
invites = DomainRouter(prefix="/api/invites", tags=["invites"], responses=_RESPONSES)


@sanctum_invites.post("", status_code=status.HTTP_201_CREATED, response_model=InviteCreated)
async def create_sanctum_invite(
    slug: SlugPath, body: InviteLinkCreate, actor: CurrentActor, service: InviteServiceDep
) -> InviteCreated:
    """Make an invite link to the sanctum (owner and moderators); its token is in this answer only."""
    return await service.create_for_sanctum(actor, slug, body)


@sanctum_invites.get("", response_model=InviteList)
async def list_sanctum_invites(slug: SlugPath, actor: CurrentActor, service: InviteServiceDep) -> InviteList:
    """The sanctum's invite links, with their uses and state (owner and moderators)."""
    return await service.list_for_sanctum(actor, slug)


@room_invites.post("", status_code=status.HTTP_201_CREATED, response_model=InviteCreated)
async def create_room_invite(
    room_id: uuid.UUID, body: InviteLinkCreate, actor: CurrentActor, service: InviteServiceDep
) -> InviteCreated:
    """Make an invite link to a private room (its owner and moderators)."""
    return await service.create_for_room(actor, room_id, body)


@room_invites.get("", response_model=InviteList)
async def list_room_invites(room_id: uuid.UUID, actor: CurrentActor, service: InviteServiceDep) -> InviteList:
    return await service.list_for_room(actor, room_id)


@invites.delete("/{invite_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_invite(invite_id: uuid.UUID, actor: CurrentActor, service: InviteServiceDep) -> None:
    """Revoke a link: it lets nobody else in (the people it let in stay)."""
    await service.revoke(actor, invite_id)


@invites.post("/preview", response_model=InvitePreview)
async def preview_invite(body: InviteTokenBody, client: Client, service: InviteServiceDep) -> InvitePreview:
    """What a link leads to (name, description, member count), signed in or not; rate-limited."""
    return await service.preview(body.token, client)


@invites.post("/redeem", response_model=InviteRedeemed)
async def redeem_invite(
    body: InviteTokenBody, actor: CurrentActor, client: Client, service: InviteServiceDep
) -> InviteRedeemed:
    """Join what the link leads to; refused with INVITE_EXPIRED, INVITE_REVOKED or INVITE_USED_UP."""
    return await service.redeem(actor, body.token, client)
