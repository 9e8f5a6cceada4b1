"""Dependency aliases for routes: the account service, the authenticated caller and its rate limits."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sanctum.api.deps import provide
from sanctum.api.rate_limits import LimiterDep, limit_name, mark
from sanctum.core.errors import Unauthorized
from sanctum.domains.accounts.blocks import BlockService
from sanctum.domains.accounts.search import PeopleSearch
from sanctum.domains.accounts.service import AccountService, Actor, ClientInfo

_bearer = HTTPBearer(auto_error=False, description="An access token from /api/auth/login.")


AccountServiceDep = Annotated[AccountService, Depends(provide(AccountService))]
PeopleSearchDep = Annotated[PeopleSearch, Depends(provide(PeopleSearch))]
BlockServiceDep = Annotated[BlockService, Depends(provide(BlockService))]


async def get_current_actor(
    request: Request,
    service: AccountServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as `Authorization: Bearer <token>`.")
    actor = await service.authenticate(credentials.credentials, request.client.host if request.client else "")
    request.state.user_id = str(actor.id)
    return actor


CurrentActor = Annotated[Actor, Depends(get_current_actor)]


async def get_client_info(request: Request) -> ClientInfo:
    host = request.client.host if request.client else ""
    return ClientInfo(ip=host, user_agent=request.headers.get("user-agent", "")[:256])


Client = Annotated[ClientInfo, Depends(get_client_info)]


def per_account(name: str) -> Any:
    """A dependency spending one of the caller's allowance of the named limit, declared beside a route:
    `@rooms.post("", dependencies=[per_account("room_create")])`. The caller is authenticated once per
    request whether or not the route also asks for `CurrentActor`."""
    name = limit_name(name, per_ip=False)

    async def dependency(actor: CurrentActor, limiter: LimiterDep) -> None:
        await limiter.hit(name, str(actor.id))

    return mark(dependency, name)
