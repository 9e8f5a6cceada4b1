"""HTTP routes of calls: the ICE servers a browser needs before it opens a peer connection (the call
itself is signalled over the socket, hub.py)."""

from __future__ import annotations

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor
from sanctum.domains.calls.deps import CallServiceDep
from sanctum.domains.calls.ice import IceServers

calls = DomainRouter(prefix="/api/calls", tags=["calls"], responses=ERROR_RESPONSES)


@calls.get("/ice-servers", response_model=IceServers)
async def get_ice_servers(actor: CurrentActor, service: CallServiceDep) -> IceServers:
    """STUN, and TURN with credentials for the caller valid `ttl_seconds` (when TURN is configured)."""
    return service.ice_servers(actor.user.id)
