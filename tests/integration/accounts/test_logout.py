"""POST /api/auth/logout and /api/auth/logout-all."""

from __future__ import annotations

import httpx

from tests.factories import login, register_user
from tests.support.http import error_of


async def test_logout_refuses_that_sessions_token_on_the_next_request_and_keeps_other_sessions(
    client: httpx.AsyncClient,
) -> None:
    user = await register_user(client)
    other_device = await login(client, user.username)

    response = await client.post("/api/auth/logout", headers=user.headers)

    assert response.status_code == 204
    assert response.content == b""
    error_of(await client.get("/api/users/me", headers=user.headers), 401, "SESSION_REVOKED")
    assert (await client.get("/api/users/me", headers=other_device.headers)).status_code == 200


async def test_logout_all_revokes_every_session_of_the_user_and_reports_how_many(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    other_device = await login(client, user.username)
    someone_else = await register_user(client)

    response = await client.post("/api/auth/logout-all", headers=user.headers)

    assert response.status_code == 200, response.text
    assert response.json() == {"revoked": 2}
    for tokens in (user.tokens, other_device):
        error_of(await client.get("/api/users/me", headers=tokens.headers), 401, "SESSION_REVOKED")
        refresh = await client.post("/api/auth/refresh", json={"refresh_token": tokens.refresh_token})
        error_of(refresh, 401, "SESSION_REVOKED")
    assert (await client.get("/api/users/me", headers=someone_else.headers)).status_code == 200


async def test_logout_without_a_token_returns_401(client: httpx.AsyncClient) -> None:
    error_of(await client.post("/api/auth/logout"), 401, "UNAUTHORIZED")
    error_of(await client.post("/api/auth/logout-all"), 401, "UNAUTHORIZED")
