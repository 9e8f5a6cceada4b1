"""Emailed links, through a real SMTP server: verification, change of address, password reset and change."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from sanctum.core.clock import utcnow
from sanctum.domains.security import email_flows
from tests.conftest import ClientFactory, SettingsFactory
from tests.factories import DEFAULT_PASSWORD, login, register_user
from tests.integration.security.security_api import me, ok
from tests.support.http import error_of, rate_limited
from tests.support.settings import rate_limits
from tests.support.smtp import Mailbox

NEW_PASSWORD = "another-horse-77"


async def test_registration_emails_a_link_that_verifies_the_address_once(
    mailed_client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    user = await register_user(mailed_client)
    assert (await me(mailed_client, user))["email_verified_at"] is None  # the account works before it

    message = await mailbox.next_to(user.email)
    page, token = message.link()

    assert message.subject == "Confirm your email address for Sanctum"
    assert page.endswith("/verify-email")
    await ok(mailed_client, "POST", "/api/auth/email/verify", 204, json={"token": token})
    assert (await me(mailed_client, user))["email_verified_at"] is not None
    status = await ok(mailed_client, "GET", "/api/auth/security", headers=user.headers)
    assert status["email_verified"] is True
    again = await mailed_client.post("/api/auth/email/verify", json={"token": token})
    error_of(again, 401, "EMAIL_TOKEN_INVALID")


async def test_a_new_address_becomes_the_accounts_only_after_its_link_is_followed(
    mailed_client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    user = await register_user(mailed_client)
    new = f"new-{user.username}@example.org"
    wrong = await mailed_client.post(
        "/api/auth/email/change", headers=user.headers, json={"new_email": new, "password": "not-it-123"}
    )
    error_of(wrong, 422, "VALIDATION_FAILED")

    body = {"new_email": new, "password": DEFAULT_PASSWORD}
    await ok(mailed_client, "POST", "/api/auth/email/change", 202, headers=user.headers, json=body)
    message = await mailbox.next_to(new)
    assert (await me(mailed_client, user))["email"] == user.email

    await ok(mailed_client, "POST", "/api/auth/email/verify", 204, json={"token": message.link()[1]})
    after = await me(mailed_client, user)
    assert after["email"] == new
    assert after["email_verified_at"] is not None
    await login(mailed_client, new)


async def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(
    mailed_client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    user = await register_user(mailed_client)
    other_device = await login(mailed_client, user.username)

    unknown = await mailed_client.post("/api/auth/password/forgot", json={"email": "nobody@example.com"})
    known = await mailed_client.post("/api/auth/password/forgot", json={"email": user.email.upper()})
    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json()) == (202, known.json())
    message = await mailbox.next_to(user.email, count=1 + 1)  # after the verification email
    page, token = message.link()

    assert page.endswith("/reset-password")
    body = {"token": token, "new_password": NEW_PASSWORD}
    reset = await ok(mailed_client, "POST", "/api/auth/password/reset", json=body)
    assert reset == {"sessions_ended": 2}
    for tokens in (user.tokens, other_device):
        error_of(await mailed_client.get("/api/users/me", headers=tokens.headers), 401, "SESSION_REVOKED")
    await login(mailed_client, user.username, NEW_PASSWORD)
    again = await mailed_client.post("/api/auth/password/reset", json={**body, "new_password": "third-horse-99"})
    error_of(again, 401, "EMAIL_TOKEN_INVALID")
    assert mailbox.to("nobody@example.com") == []


async def test_a_reset_link_no_longer_works_after_an_hour(
    mailed_client: httpx.AsyncClient, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await register_user(mailed_client)
    await ok(mailed_client, "POST", "/api/auth/password/forgot", 202, json={"email": user.email})
    token = (await mailbox.next_to(user.email, count=2)).link()[1]

    monkeypatch.setattr(email_flows, "utcnow", lambda: utcnow() + timedelta(hours=1, seconds=1))
    late = await mailed_client.post("/api/auth/password/reset", json={"token": token, "new_password": NEW_PASSWORD})

    error_of(late, 401, "EMAIL_TOKEN_INVALID")
    await login(mailed_client, user.username)


async def test_changing_the_password_needs_the_current_one_and_ends_the_other_sessions(
    client: httpx.AsyncClient,
) -> None:
    user = await register_user(client)
    other_device = await login(client, user.username)
    body = {"current_password": "not-it-123", "new_password": NEW_PASSWORD}
    error_of(await client.post("/api/auth/password/change", headers=user.headers, json=body), 422, "VALIDATION_FAILED")

    body["current_password"] = user.password
    changed = await ok(client, "POST", "/api/auth/password/change", headers=user.headers, json=body)

    assert changed == {"sessions_ended": 1}
    assert (await client.get("/api/users/me", headers=user.headers)).status_code == 200
    error_of(await client.get("/api/users/me", headers=other_device.headers), 401, "SESSION_REVOKED")
    await login(client, user.username, NEW_PASSWORD)


async def test_emails_are_rate_limited_per_address_whether_or_not_an_account_has_it(
    mailbox: Mailbox, make_settings: SettingsFactory, make_client: ClientFactory
) -> None:
    settings = make_settings(email=mailbox.settings, rate_limits=rate_limits(email_per_address="2/hour"))
    client = await make_client(settings)
    user = await register_user(client)

    for address in (user.email, "nobody@example.com"):
        for _ in range(2):
            await ok(client, "POST", "/api/auth/password/forgot", 202, json={"email": address})
        third = await client.post("/api/auth/password/forgot", json={"email": address})
        rate_limited(third, "email_per_address", 3600)
