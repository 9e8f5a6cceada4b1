"""POST /api/auth/refresh: rotation and reuse detection."""

from __future__ import annotations

import httpx

from tests.factories import bearer, login, register_user
from tests.support.http import error_of

REFRESH = "/api/auth/refresh"


async def test_refresh_returns_a_new_pair_that_works(client: httpx.AsyncClient) -> None:
    user = await register_user(client)

    response = await client.post(REFRESH, json={"refresh_token": user.refresh_token})

    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["refresh_token"] != user.refresh_token
    assert pair["token_type"] == "bearer"
    assert (await client.get("/api/users/me", headers=bearer(pair["access_token"]))).status_code == 200
    again = await client.post(REFRESH, json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 200, again.text


async def test_refresh_with_a_retired_token_returns_401_and_revokes_the_whole_session(
    client: httpx.AsyncClient,
) -> None:
    user = await register_user(client)
    rotated = (await client.post(REFRESH, json={"refresh_token": user.refresh_token})).json()

    reuse = await client.post(REFRESH, json={"refresh_token": user.refresh_token})

    error_of(reuse, 401, "REFRESH_TOKEN_REUSED")
    newest = await client.post(REFRESH, json={"refresh_token": rotated["refresh_token"]})
    error_of(newest, 401, "SESSION_REVOKED")
    for access_token in (rotated["access_token"], user.access_token):
        error_of(await client.get("/api/users/me", headers=bearer(access_token)), 401, "SESSION_REVOKED")


async def test_refresh_token_reuse_leaves_the_users_other_sessions_alone(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    other_device = await login(client, user.username)
    await client.post(REFRESH, json={"refresh_token": user.refresh_token})

    await client.post(REFRESH, json={"refresh_token": user.refresh_token})

    assert (await client.get("/api/users/me", headers=other_device.headers)).status_code == 200
    rotated = await client.post(REFRESH, json={"refresh_token": other_device.refresh_token})
    assert rotated.status_code == 200


async def test_refresh_with_an_unknown_token_returns_401(client: httpx.AsyncClient) -> None:
    response = await client.post(REFRESH, json={"refresh_token": "not-a-token-we-issued"})

    error_of(response, 401, "INVALID_REFRESH_TOKEN")


async def test_refresh_after_logout_returns_401(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    assert (await client.post("/api/auth/logout", headers=user.headers)).status_code == 204

    response = await client.post(REFRESH, json={"refresh_token": user.refresh_token})

    error_of(response, 401, "SESSION_REVOKED")
