"""POST /api/auth/login."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import bearer, register_user
from tests.support.http import error_of

LOGIN = "/api/auth/login"


@pytest.mark.parametrize("by", ["username", "email"])
async def test_login_by_username_or_email_in_any_case_returns_a_working_token_pair(
    client: httpx.AsyncClient, by: str
) -> None:
    user = await register_user(client)
    login = user.username if by == "username" else user.email

    response = await client.post(LOGIN, json={"login": login.upper(), "password": user.password})

    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 900
    # A browser's login: the refresh token went into the HttpOnly cookie, not the body.
    assert pair["refresh_token"] is None
    me = await client.get("/api/users/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == user.id


async def test_login_with_a_wrong_password_and_with_an_unknown_account_fail_the_same_way(
    client: httpx.AsyncClient,
) -> None:
    user = await register_user(client)

    wrong_password = await client.post(LOGIN, json={"login": user.username, "password": "not-the-password-1"})
    unknown_account = await client.post(LOGIN, json={"login": "nobody_here", "password": "not-the-password-1"})

    first = error_of(wrong_password, 401, "INVALID_CREDENTIALS")
    second = error_of(unknown_account, 401, "INVALID_CREDENTIALS")
    assert {k: v for k, v in first.items() if k != "request_id"} == {
        k: v for k, v in second.items() if k != "request_id"
    }


async def test_login_with_missing_fields_returns_422_naming_them(client: httpx.AsyncClient) -> None:
    response = await client.post(LOGIN, json={"login": ""})

    error = error_of(response, 422, "VALIDATION_FAILED")
    assert set(error["fields"]) == {"login", "password"}
