"""HTTP routes of accounts: parse, authenticate, call the service, serialize."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated

from fastapi import Path, Query, Response, status

from sanctum.api.rate_limits import per_ip
from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES, ErrorEnvelope
from sanctum.domains.accounts.cookies import REFRESH_OPENAPI, RefreshCookieDep, SameOrigin
from sanctum.domains.accounts.deps import (
    AccountServiceDep,
    BlockServiceDep,
    Client,
    CurrentActor,
    PeopleSearchDep,
    per_account,
)
from sanctum.domains.accounts.schemas import (
    USERNAME_PATTERN,
    BlockList,
    DeleteAccountRequest,
    LoginRequest,
    Me,
    ProfileUpdate,
    PublicUser,
    RefreshRequest,
    RegisterRequest,
    RevokedCount,
    SecondFactorRequired,
    SessionList,
    TokenPair,
    UserSearchPage,
    WsTicket,
)
from sanctum.domains.accounts.service import to_me

auth = DomainRouter(prefix="/api/auth", tags=["auth"], responses=ERROR_RESPONSES)
users = DomainRouter(prefix="/api/users", tags=["users"], responses=ERROR_RESPONSES)
realtime = DomainRouter(prefix="/api/ws", tags=["realtime"], responses=ERROR_RESPONSES)


@auth.post(
    "/register", status_code=status.HTTP_201_CREATED, response_model=Me, dependencies=[per_ip("register_per_ip")]
)
async def register(body: RegisterRequest, service: AccountServiceDep, client: Client) -> Me:
    """Create an account. 409 if the username or email is taken."""
    return to_me(await service.register(body, client))


@auth.post("/login", response_model=TokenPair | SecondFactorRequired, dependencies=[SameOrigin, per_ip("login_per_ip")])
async def login(
    body: LoginRequest, service: AccountServiceDep, client: Client, cookie: RefreshCookieDep, response: Response
) -> TokenPair | SecondFactorRequired:
    """Exchange a username or email and password for a token pair.

    Browsers get the refresh token as an HttpOnly cookie (the default); other clients ask for it in
    the body with `refresh_token_delivery: "body"`. A request from another site's page (`Origin`) is refused.
    An account with two-factor answers `second_factor_required` and a challenge token instead, for
    /api/auth/login/second-factor."""
    result = await service.login(body.login, body.password, client)
    if isinstance(result, SecondFactorRequired):
        return result
    return cookie.deliver(result, body.refresh_token_delivery, response)


@auth.post(
    "/refresh",
    response_model=TokenPair,
    dependencies=[SameOrigin, per_ip("refresh_per_ip")],
    openapi_extra=REFRESH_OPENAPI,
)
async def refresh_tokens(
    body: RefreshRequest, service: AccountServiceDep, client: Client, cookie: RefreshCookieDep, response: Response
) -> TokenPair:
    """Rotate the refresh token, sent as `refresh_token` or as the `sanctum_refresh` cookie (which needs
    the header `X-Sanctum-CSRF: 1`). Reusing a retired token revokes the whole session."""
    return await cookie.rotate(body, partial(service.refresh, client=client), response)


@auth.post("/logout", status_code=status.HTTP_204_NO_CONTENT, dependencies=[SameOrigin, per_account("write")])
async def logout(actor: CurrentActor, service: AccountServiceDep, cookie: RefreshCookieDep, response: Response) -> None:
    """End the current session and clear the refresh cookie."""
    await service.logout(actor)
    cookie.clear(response)


@auth.post("/logout-all", response_model=RevokedCount, dependencies=[SameOrigin, per_account("write")])
async def logout_all(
    actor: CurrentActor, service: AccountServiceDep, cookie: RefreshCookieDep, response: Response
) -> RevokedCount:
    """End every session of the caller, on every device, and clear the refresh cookie."""
    revoked = await service.logout_all(actor)
    cookie.clear(response)
    return RevokedCount(revoked=revoked)


@auth.get("/sessions", response_model=SessionList)
async def list_sessions(actor: CurrentActor, service: AccountServiceDep) -> SessionList:
    return SessionList(items=await service.list_sessions(actor))


@auth.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("write")])
async def revoke_session(session_id: uuid.UUID, actor: CurrentActor, service: AccountServiceDep) -> None:
    await service.revoke_session(actor, session_id)


@users.get("", response_model=UserSearchPage, dependencies=[per_account("user_search_per_user")])
async def search_users(
    actor: CurrentActor,
    people: PeopleSearchDep,
    q: Annotated[str, Query(min_length=1, max_length=64, description="The start of a username or display name.")],
    cursor: Annotated[str | None, Query(max_length=512, description="`next_cursor` of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> UserSearchPage:
    """Find people by the start of their username, display name or a word of it; public fields only."""
    return await people.search(actor, q, cursor, limit)


@users.get("/me", response_model=Me)
async def get_me(actor: CurrentActor) -> Me:
    return to_me(actor.user)


@users.patch("/me", response_model=Me, dependencies=[per_account("write")])
async def update_me(body: ProfileUpdate, actor: CurrentActor, service: AccountServiceDep) -> Me:
    """Change display name, bio or avatar URL (send null or "" to clear the avatar)."""
    return await service.update_profile(actor, body)


@users.delete("/me", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("write")])
async def delete_me(
    body: DeleteAccountRequest,
    actor: CurrentActor,
    service: AccountServiceDep,
    cookie: RefreshCookieDep,
    response: Response,
) -> None:
    """Delete the caller's account; the password is required."""
    await service.delete_account(actor, body.password)
    cookie.clear(response)


@users.get("/me/blocks", response_model=BlockList)
async def list_blocks(actor: CurrentActor, service: BlockServiceDep) -> BlockList:
    """Whom the caller blocked (the web app collapses their messages and posts)."""
    return await service.list(actor)


@users.post("/{user_id}/block", response_model=BlockList, dependencies=[per_account("block")])
async def block_user(user_id: uuid.UUID, actor: CurrentActor, service: BlockServiceDep) -> BlockList:
    """Keep someone away: no DMs, invites, friend requests or notifications between the two. Idempotent;
    the blocked user is not told."""
    return await service.block(actor, user_id)


@users.delete("/{user_id}/block", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("block")])
async def unblock_user(user_id: uuid.UUID, actor: CurrentActor, service: BlockServiceDep) -> None:
    await service.unblock(actor, user_id)


@users.get("/{username}", response_model=PublicUser)
async def get_user(username: Annotated[str, Path(pattern=USERNAME_PATTERN)], service: AccountServiceDep) -> PublicUser:
    return await service.get_profile(username)


@realtime.post(
    "/ticket",
    response_model=WsTicket,
    responses={503: {"model": ErrorEnvelope}},
    dependencies=[per_account("ticket")],
)
async def issue_ticket(actor: CurrentActor, service: AccountServiceDep) -> WsTicket:
    """A single-use ticket for opening the WebSocket at `/api/ws?ticket=...` (lives 30 s)."""
    return await service.issue_ws_ticket(actor)
