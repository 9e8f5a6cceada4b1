"""Text input the databases cannot store is refused as invalid input, never as a 500."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import register_user
from tests.support.http import error_of

NUL = "\x00"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/api/auth/login", {"login": f"ada{NUL}", "password": "x"}, "login"),
        ("POST", "/api/auth/login", {"login": "ada", "password": f"pass{NUL}word"}, "password"),
        ("POST", "/api/auth/refresh", {"refresh_token": f"token{NUL}"}, "refresh_token"),
        (
            "POST",
            "/api/auth/register",
            {"username": "nul_user", "email": "n@example.com", "password": f"a1{NUL}bcdefg"},
            "password",
        ),
        ("PATCH", "/api/users/me", {"display_name": f"Ada{NUL}"}, "display_name"),
        ("PATCH", "/api/users/me", {"bio": f"line{NUL}"}, "bio"),
        ("PATCH", "/api/users/me", {"avatar_url": f"https://example.com/{NUL}.png"}, "avatar_url"),
        ("DELETE", "/api/users/me", {"password": f"{NUL}"}, "password"),
    ],
    ids=["login", "login-password", "refresh", "register-password", "display-name", "bio", "avatar", "delete"],
)
async def test_a_nul_character_is_refused_with_422_naming_the_field(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, str], field: str
) -> None:
    user = await register_user(client)

    response = await client.request(method, path, json=body, headers=user.headers)

    error = error_of(response, 422, "VALIDATION_FAILED")
    assert error["fields"] == {field: "must not contain NUL characters"}


async def test_an_unpaired_surrogate_is_refused_with_422_naming_the_field(client: httpx.AsyncClient) -> None:
    user = await register_user(client)

    response = await client.patch(
        "/api/users/me",
        content=b'{"bio": "half a pair: \\ud800"}',
        headers={**user.headers, "Content-Type": "application/json"},
    )

    assert set(error_of(response, 422, "VALIDATION_FAILED")["fields"]) == {"bio"}
