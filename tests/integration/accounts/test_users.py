"""GET/PATCH/DELETE /api/users/me and GET /api/users/{username}."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import register_user
from tests.support.http import error_of

ME = "/api/users/me"


async def test_get_me_returns_the_callers_private_profile(client: httpx.AsyncClient) -> None:
    user = await register_user(client)

    response = await client.get(ME, headers=user.headers)

    assert response.status_code == 200
    me = response.json()
    assert (me["id"], me["username"], me["email"]) == (user.id, user.username, user.email)
    assert me["bio"] == "" and me["avatar_url"] is None and me["is_admin"] is False


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "UNAUTHORIZED"),
        ("Basic dXNlcjpwYXNz", "UNAUTHORIZED"),
        ("Bearer not.a.jwt", "INVALID_TOKEN"),
        ("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "INVALID_TOKEN"),
    ],
    ids=["missing", "wrong-scheme", "garbage", "unsigned"],
)
async def test_get_me_without_a_valid_token_returns_401(
    client: httpx.AsyncClient, authorization: str | None, code: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = await client.get(ME, headers=headers)

    error_of(response, 401, code)


async def test_update_me_changes_display_name_bio_and_avatar_and_the_public_profile_shows_them(
    client: httpx.AsyncClient,
) -> None:
    user = await register_user(client)
    changes = {"display_name": "Ada L.", "bio": "Counts things.", "avatar_url": "https://cdn.example.com/ada.png"}

    response = await client.patch(ME, json=changes, headers=user.headers)

    assert response.status_code == 200, response.text
    assert {k: response.json()[k] for k in changes} == changes
    public = (await client.get(f"/api/users/{user.username}")).json()
    assert {k: public[k] for k in changes} == changes


async def test_update_me_leaves_fields_that_were_not_sent_and_clears_the_avatar_with_null(
    client: httpx.AsyncClient,
) -> None:
    user = await register_user(client)
    await client.patch(ME, json={"bio": "kept", "avatar_url": "http://example.com/a.png"}, headers=user.headers)

    response = await client.patch(ME, json={"avatar_url": None}, headers=user.headers)

    assert response.status_code == 200
    assert response.json()["bio"] == "kept"
    assert response.json()["avatar_url"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"display_name": None}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 65}, "display_name"),
        ({"bio": "x" * 501}, "bio"),
        ({"avatar_url": "javascript:alert(1)"}, "avatar_url"),
        ({"email": "new@example.com"}, "email"),
    ],
    ids=["null-name", "blank-name", "long-name", "long-bio", "non-http-avatar", "unknown-field"],
)
async def test_update_me_with_invalid_input_returns_422_naming_the_field(
    client: httpx.AsyncClient, changes: dict[str, object], field: str
) -> None:
    user = await register_user(client)

    response = await client.patch(ME, json=changes, headers=user.headers)

    assert set(error_of(response, 422, "VALIDATION_FAILED")["fields"]) == {field}
    assert (await client.get(ME, headers=user.headers)).json()["display_name"] == user.username


async def test_delete_me_with_a_wrong_password_returns_422_and_keeps_the_account(client: httpx.AsyncClient) -> None:
    user = await register_user(client)

    response = await client.request("DELETE", ME, json={"password": "not-my-password-1"}, headers=user.headers)

    assert set(error_of(response, 422, "VALIDATION_FAILED")["fields"]) == {"password"}
    assert (await client.get(ME, headers=user.headers)).status_code == 200


async def test_delete_me_with_the_password_deletes_the_account_its_logins_and_its_tokens(
    client: httpx.AsyncClient,
) -> None:
    user = await register_user(client)

    response = await client.request("DELETE", ME, json={"password": user.password}, headers=user.headers)

    assert response.status_code == 204
    error_of(await client.get(ME, headers=user.headers), 401, "INVALID_TOKEN")
    login = await client.post("/api/auth/login", json={"login": user.username, "password": user.password})
    error_of(login, 401, "INVALID_CREDENTIALS")
    refresh = await client.post("/api/auth/refresh", json={"refresh_token": user.refresh_token})
    error_of(refresh, 401, "INVALID_REFRESH_TOKEN")
    error_of(await client.get(f"/api/users/{user.username}"), 404, "USER_NOT_FOUND")


async def test_delete_me_frees_the_username_and_email_for_a_new_account(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    await client.request("DELETE", ME, json={"password": user.password}, headers=user.headers)

    again = await register_user(client, user.username, email=user.email)

    assert again.id != user.id


async def test_get_user_returns_the_public_profile_without_private_fields(client: httpx.AsyncClient) -> None:
    user = await register_user(client)

    response = await client.get(f"/api/users/{user.username.upper()}")

    assert response.status_code == 200
    profile = response.json()
    assert profile["id"] == user.id
    assert set(profile) == {"id", "username", "display_name", "bio", "avatar_url", "created_at", "is_bot"}


async def test_get_user_for_an_unknown_username_returns_the_404_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/nobody_by_this_name")

    error_of(response, 404, "USER_NOT_FOUND")


async def test_get_user_with_a_username_that_cannot_exist_returns_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/no!such")

    assert "username" in error_of(response, 422, "VALIDATION_FAILED")["fields"]
