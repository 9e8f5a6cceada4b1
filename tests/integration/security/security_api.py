"""Account security as a test uses it: one call per step, asserting the expected status."""

from __future__ import annotations

from typing import Any

import httpx
import pyotp

from tests.factories import RegisteredUser


async def ok(client: httpx.AsyncClient, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
    response = await client.request(method, path, **kwargs)
    assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if response.content else None


async def me(client: httpx.AsyncClient, user: RegisteredUser | dict[str, str]) -> dict[str, Any]:
    headers = user.headers if isinstance(user, RegisteredUser) else user
    return dict(await ok(client, "GET", "/api/users/me", headers=headers))


async def password_login(client: httpx.AsyncClient, login: str, password: str) -> dict[str, Any]:
    body = {"login": login, "password": password, "refresh_token_delivery": "body"}
    return dict(await ok(client, "POST", "/api/auth/login", json=body))


async def second_factor(client: httpx.AsyncClient, challenge: str, method: str, **fields: Any) -> httpx.Response:
    body = {"challenge_token": challenge, "method": method, "refresh_token_delivery": "body", **fields}
    return await client.post("/api/auth/login/second-factor", json=body)


async def enable_totp(client: httpx.AsyncClient, user: RegisteredUser) -> tuple[pyotp.TOTP, list[str]]:
    """Enrol and confirm TOTP; returns the app's generator and the recovery codes."""
    enrolment = await ok(client, "POST", "/api/auth/totp/enrol", headers=user.headers)
    totp = pyotp.TOTP(enrolment["secret"])
    codes = await ok(client, "POST", "/api/auth/totp/confirm", headers=user.headers, json={"code": totp.now()})
    return totp, codes["codes"]


def bearer(pair: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}
