"""HTTP route of Home: parse, authenticate, call the service, serialize."""

from __future__ import annotations

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor
from sanctum.domains.home.deps import HomeServiceDep
from sanctum.domains.home.schemas import HomeRead

home = DomainRouter(prefix="/api/home", tags=["home"], responses=ERROR_RESPONSES)


@home.get("", response_model=HomeRead)
async def get_home(actor: CurrentActor, service: HomeServiceDep) -> HomeRead:
    """What needs the caller first (unread rooms and DMs, games on their turn, friend requests, mentions,
    new posts in their sanctums) and the first-run checklist, in one read."""
    return await service.home(actor)
