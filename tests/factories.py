"""Test data built through the public API, the way a client would build it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx

DEFAULT_PASSWORD = "correct-horse-42"

_sequence = itertools.count(1)


def unique_username(prefix: str = "member") -> str:
    return f"{prefix}{next(_sequence)}"


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


@dataclass(frozen=True)
class RegisteredUser:
    """A registered account and the tokens of one logged-in session."""

    id: str
    username: str
    email: str
    password: str
    tokens: Tokens

    @property
    def access_token(self) -> str:
        return self.tokens.access_token

    @property
    def refresh_token(self) -> str:
        return self.tokens.refresh_token

    @property
    def headers(self) -> dict[str, str]:
        return self.tokens.headers


async def login(
    client: httpx.AsyncClient, login: str, password: str = DEFAULT_PASSWORD, *, user_agent: str | None = None
) -> Tokens:
    """Log in as an API client that keeps its refresh token (in the body, not a cookie) and return the
    pair; fails the test unless the login succeeds."""
    headers = {"User-Agent": user_agent} if user_agent else None
    body = {"login": login, "password": password, "refresh_token_delivery": "body"}
    response = await client.post("/api/auth/login", json=body, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return Tokens(access_token=body["access_token"], refresh_token=body["refresh_token"])


async def register_user(
    client: httpx.AsyncClient,
    username: str | None = None,
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    user_agent: str | None = None,
) -> RegisteredUser:
    """Register an account through the API and log it in."""
    username = username or unique_username()
    email = email or f"{username}@example.com"
    response = await client.post(
        "/api/auth/register", json={"username": username, "email": email, "password": password}
    )
    assert response.status_code == 201, response.text
    me: dict[str, Any] = response.json()
    tokens = await login(client, username, password, user_agent=user_agent)
    return RegisteredUser(id=me["id"], username=me["username"], email=me["email"], password=password, tokens=tokens)
