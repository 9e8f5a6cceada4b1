"""Two-factor with TOTP: enrolment, the login's second step, replayed codes, recovery codes, turning it off."""

from __future__ import annotations

import time

import httpx
import pyotp

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.factories import register_user
from tests.integration.moderation.moderation_api import Site
from tests.integration.security.security_api import bearer, enable_totp, ok, password_login, second_factor
from tests.support.http import error_of


async def test_once_enabled_a_login_needs_a_code_that_works_only_once(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    enrolment = await ok(client, "POST", "/api/auth/totp/enrol", headers=user.headers)
    assert enrolment["qr_svg_data_url"].startswith("data:image/svg+xml;base64,")
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/Sanctum:")
    assert "second_factor_required" not in await password_login(client, user.username, user.password)
    wrong = await client.post("/api/auth/totp/confirm", headers=user.headers, json={"code": "000000"})
    error_of(wrong, 422, "SECOND_FACTOR_INVALID")

    totp = pyotp.TOTP(enrolment["secret"])
    used = totp.now()
    codes = (await ok(client, "POST", "/api/auth/totp/confirm", headers=user.headers, json={"code": used}))["codes"]
    step = await password_login(client, user.username, user.password)

    assert len(codes) == len(set(codes)) == 10
    assert step["second_factor_required"] is True and "access_token" not in step
    assert step["methods"] == ["totp", "recovery_code"]
    # The code that confirmed the enrolment was used: the same step again is a replay.
    replay = await second_factor(client, step["challenge_token"], "totp", code=used)
    error_of(replay, 401, "SECOND_FACTOR_INVALID")
    pair = (await second_factor(client, step["challenge_token"], "totp", code=totp.at(time.time() + 30))).json()
    assert (await client.get("/api/users/me", headers=bearer(pair))).status_code == 200
    again = await second_factor(client, step["challenge_token"], "totp", code=totp.at(time.time() + 30))
    error_of(again, 401, "CHALLENGE_INVALID")


async def test_a_recovery_code_replaces_a_code_once_and_off_needs_the_password(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    _, codes = await enable_totp(client, user)

    first = await password_login(client, user.username, user.password)
    pair = await ok(
        client,
        "POST",
        "/api/auth/login/second-factor",
        json={
            "challenge_token": first["challenge_token"],
            "method": "recovery_code",
            "code": codes[0].upper(),
            "refresh_token_delivery": "body",
        },
    )
    second = await password_login(client, user.username, user.password)
    reused = await second_factor(client, second["challenge_token"], "recovery_code", code=codes[0])

    assert pair["access_token"]
    error_of(reused, 401, "SECOND_FACTOR_INVALID")
    status = await ok(client, "GET", "/api/auth/security", headers=user.headers)
    assert (status["totp_enabled"], status["recovery_codes_left"]) == (True, 9)
    wrong = await client.post("/api/auth/totp/disable", headers=user.headers, json={"password": "not-it-123"})
    error_of(wrong, 422, "VALIDATION_FAILED")
    await ok(client, "POST", "/api/auth/totp/disable", 204, headers=user.headers, json={"password": user.password})
    assert "access_token" in await password_login(client, user.username, user.password)


async def test_a_login_challenge_is_spent_after_five_wrong_codes(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    totp, _ = await enable_totp(client, user)
    step = await password_login(client, user.username, user.password)

    for _ in range(5):
        wrong = await second_factor(client, step["challenge_token"], "totp", code="123456")
        error_of(wrong, 401, "SECOND_FACTOR_INVALID")
    late = await second_factor(client, step["challenge_token"], "totp", code=totp.at(time.time() + 30))

    error_of(late, 401, "CHALLENGE_INVALID")


async def test_security_changes_are_in_the_audit_log(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    app = create_app(make_settings())
    site = Site(app, await make_client(app=app))
    client = site.http
    user = await register_user(client)
    await enable_totp(client, user)
    body = {"current_password": user.password, "new_password": "another-horse-77"}
    await ok(client, "POST", "/api/auth/password/change", headers=user.headers, json=body)
    await ok(client, "POST", "/api/auth/totp/disable", 204, headers=user.headers, json={"password": "another-horse-77"})

    admin = await site.admin()
    entries = await admin.audit(actor_id=user.id)

    assert [e["action"] for e in entries] == [
        "account.totp_disable",
        "account.password_change",
        "account.totp_enable",
    ]
    assert {e["target_id"] for e in entries} == {user.id}
