"""POST /api/auth/register."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import DEFAULT_PASSWORD, unique_username
from tests.support.http import error_of

REGISTER = "/api/auth/register"


def registration(username: str | None = None, **overrides: str) -> dict[str, str]:
    username = username or unique_username()
    email = f"{unique_username()}@example.com"
    return {"username": username, "email": email, "password": DEFAULT_PASSWORD, **overrides}


async def test_register_creates_the_account_and_returns_201_with_the_profile(client: httpx.AsyncClient) -> None:
    response = await client.post(REGISTER, json=registration("New_Member", email="New.Member@Example.com"))

    assert response.status_code == 201, response.text
    me = response.json()
    assert me["username"] == "new_member"
    assert me["display_name"] == "New_Member"
    assert me["email"] == "new.member@example.com"
    assert me["is_admin"] is False
    assert "password" not in response.text and "password_hash" not in me
    profile = await client.get("/api/users/new_member")
    assert profile.status_code == 200
    assert profile.json()["id"] == me["id"]


async def test_register_with_a_taken_username_in_any_case_returns_409_naming_username(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.post(REGISTER, json=registration("taken_name"))).status_code == 201

    response = await client.post(REGISTER, json=registration("TAKEN_name", email="other@example.com"))

    error = error_of(response, 409, "ACCOUNT_EXISTS")
    assert set(error["fields"]) == {"username"}


async def test_register_with_a_taken_email_in_any_case_returns_409_naming_email(client: httpx.AsyncClient) -> None:
    assert (await client.post(REGISTER, json=registration(email="shared@example.com"))).status_code == 201

    response = await client.post(REGISTER, json=registration(email="Shared@Example.COM"))

    error = error_of(response, 409, "ACCOUNT_EXISTS")
    assert set(error["fields"]) == {"email"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "password"}, "password"),
        ({"password": "12345678"}, "password"),
        ({"password": "ab1ab1ab1"}, "password"),
        ({"password": "short1!"}, "password"),
        ({"username": "lowkey", "password": "LowKey-2024!"}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"username": "no spaces"}, "username"),
        ({"username": "ab"}, "username"),
    ],
    ids=[
        "letters-only-password",
        "digits-only-password",
        "repetitive-password",
        "short-password",
        "password-containing-username",
        "malformed-email",
        "username-with-spaces",
        "short-username",
    ],
)
async def test_register_with_weak_or_malformed_input_returns_422_naming_the_field(
    client: httpx.AsyncClient, overrides: dict[str, str], field: str
) -> None:
    response = await client.post(REGISTER, json=registration(**overrides))

    error = error_of(response, 422, "VALIDATION_FAILED")
    assert set(error["fields"]) == {field}


async def test_register_with_missing_and_unknown_fields_names_each_of_them(client: httpx.AsyncClient) -> None:
    response = await client.post(REGISTER, json={"username": unique_username(), "is_admin": True})

    error = error_of(response, 422, "VALIDATION_FAILED")
    assert set(error["fields"]) == {"email", "password", "is_admin"}
