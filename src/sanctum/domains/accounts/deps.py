"""Dependency aliases for routes: the account service and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sanctum.api.deps import provide
from sanctum.core.errors import Unauthorized
from sanctum.domains.accounts.search import PeopleSearch
from sanctum.domains.accounts.service import AccountService, Actor, ClientInfo

_bearer = HTTPBearer(auto_error=False, description="An access token from /api/auth/login.")


AccountServiceDep = Annotated[AccountService, Depends(provide(AccountService))]
PeopleSearchDep = Annotated[PeopleSearch, Depends(provide(PeopleSearch))]


async def get_current_actor(
    request: Request,
    service: AccountServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as `Authorization: Bearer <token>`.")
    actor = await service.authenticate(credentials.credentials)
    request.state.user_id = str(actor.id)
    return actor


CurrentActor = Annotated[Actor, Depends(get_current_actor)]


async def get_client_info(request: Request) -> ClientInfo:
    host = request.client.host if request.client else ""
    return ClientInfo(ip=host, user_agent=request.headers.get("user-agent", "")[:256])


Client = Annotated[ClientInfo, Depends(get_client_info)]
