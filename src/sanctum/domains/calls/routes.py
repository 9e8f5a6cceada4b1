"""HTTP routes of calls: the ICE servers a browser needs before it opens a peer connection (the call
itself is signalled over the socket, hub.py)."""

from __future__ import annotations

import uuid

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor
from sanctum.domains.calls.deps import CallServiceDep
from sanctum.domains.calls.events import RoomCall
from sanctum.domains.calls.ice import IceServers

calls = DomainRouter(prefix="/api/calls", tags=["calls"], responses=ERROR_RESPONSES)


@calls.get("/ice-servers", response_model=IceServers)
async def get_ice_servers(actor: CurrentActor, service: CallServiceDep) -> IceServers:
    """STUN, and TURN with credentials for the caller valid `ttl_seconds` (when TURN is configured)."""
    return service.ice_servers(actor.user.id)


@calls.get("/rooms/{room_id}", response_model=RoomCall)
async def get_room_call(room_id: uuid.UUID, actor: CurrentActor, service: CallServiceDep) -> RoomCall:
    """The room's live call (ringing or active) for a member to join, or null."""
    return await service.room_call(actor.user.id, room_id)
