"""Passkeys with a software authenticator: registration, passwordless login, second factor, removal."""

from __future__ import annotations

import httpx

from tests.factories import register_user
from tests.integration.security.security_api import bearer, enable_totp, ok, password_login, second_factor
from tests.support.authenticator import SoftAuthenticator
from tests.support.http import error_of


async def _passkey_login(client: httpx.AsyncClient, authenticator: SoftAuthenticator) -> httpx.Response:
    options = await ok(client, "POST", "/api/auth/passkeys/login/options", json={})
    body = {
        "ceremony_token": options["ceremony_token"],
        "credential": authenticator.get(options["options"]),
        "refresh_token_delivery": "body",
    }
    return await client.post("/api/auth/passkeys/login", json=body)


async def test_a_registered_passkey_logs_in_without_a_password_and_not_once_removed(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    authenticator = SoftAuthenticator()
    options = await ok(client, "POST", "/api/auth/passkeys/registration/options", headers=user.headers)
    assert options["options"]["rp"] == {"name": "Sanctum", "id": "testserver"}
    credential = authenticator.create(options["options"])
    body = {"ceremony_token": options["ceremony_token"], "credential": credential, "name": "Laptop"}
    passkey = await ok(client, "POST", "/api/auth/passkeys", 201, headers=user.headers, json=body)
    replayed = await client.post("/api/auth/passkeys", headers=user.headers, json=body)
    error_of(replayed, 422, "CHALLENGE_INVALID")

    login = await _passkey_login(client, authenticator)

    assert login.status_code == 200, login.text
    assert (await ok(client, "GET", "/api/users/me", headers=bearer(login.json())))["id"] == user.id
    stranger = SoftAuthenticator()
    stranger.credential_id = authenticator.credential_id  # the same id, another key: a forged signature
    error_of(await _passkey_login(client, stranger), 401, "PASSKEY_INVALID")
    status = await ok(client, "GET", "/api/auth/security", headers=user.headers)
    assert [p["name"] for p in status["passkeys"]] == ["Laptop"]
    await ok(client, "DELETE", f"/api/auth/passkeys/{passkey['id']}", 204, headers=user.headers)
    error_of(await _passkey_login(client, authenticator), 401, "PASSKEY_INVALID")


async def test_a_passkey_is_a_second_factor_after_the_password(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    authenticator = SoftAuthenticator()
    options = await ok(client, "POST", "/api/auth/passkeys/registration/options", headers=user.headers)
    body = {"ceremony_token": options["ceremony_token"], "credential": authenticator.create(options["options"])}
    await ok(client, "POST", "/api/auth/passkeys", 201, headers=user.headers, json=body)
    await enable_totp(client, user)

    step = await password_login(client, user.username, user.password)
    assert step["methods"] == ["totp", "recovery_code", "passkey"]
    ceremony = await ok(
        client, "POST", "/api/auth/passkeys/login/options", json={"challenge_token": step["challenge_token"]}
    )
    assertion = authenticator.get(ceremony["options"], verified=False)  # presence is enough after a password
    answer = await second_factor(
        client, step["challenge_token"], "passkey", ceremony_token=ceremony["ceremony_token"], credential=assertion
    )

    assert answer.status_code == 200, answer.text
    assert (await ok(client, "GET", "/api/users/me", headers=bearer(answer.json())))["id"] == user.id
