"""GET /api/auth/sessions and DELETE /api/auth/sessions/{session_id}."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx

from tests.factories import Tokens, login, register_user
from tests.support.http import error_of

SESSIONS = "/api/auth/sessions"


async def sessions_of(client: httpx.AsyncClient, tokens: Tokens) -> list[dict[str, object]]:
    response = await client.get(SESSIONS, headers=tokens.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


async def test_sessions_lists_each_active_session_with_its_device_and_marks_the_current_one(
    client: httpx.AsyncClient,
) -> None:
    user = await register_user(client, user_agent="Firefox/130 on the laptop")
    phone = await login(client, user.username, user_agent="Safari on the phone")

    items = await sessions_of(client, user.tokens)

    assert len(items) == 2
    by_agent = {item["user_agent"]: item for item in items}
    assert set(by_agent) == {"Firefox/130 on the laptop", "Safari on the phone"}
    assert by_agent["Firefox/130 on the laptop"]["current"] is True
    assert by_agent["Safari on the phone"]["current"] is False
    assert {item["ip"] for item in items} == {"127.0.0.1"}
    for item in items:
        created = datetime.fromisoformat(str(item["created_at"]))
        assert created.tzinfo is not None
        assert datetime.fromisoformat(str(item["expires_at"])) > created
    phone_view = await sessions_of(client, phone)
    assert [item["current"] for item in phone_view if item["user_agent"] == "Safari on the phone"] == [True]


async def test_sessions_omits_revoked_sessions(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    other = await login(client, user.username)
    await client.post("/api/auth/logout", headers=other.headers)

    items = await sessions_of(client, user.tokens)

    assert [item["current"] for item in items] == [True]


async def test_revoke_session_ends_that_session_only(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    phone = await login(client, user.username, user_agent="phone")
    phone_id = next(item["id"] for item in await sessions_of(client, user.tokens) if item["user_agent"] == "phone")

    response = await client.delete(f"{SESSIONS}/{phone_id}", headers=user.headers)

    assert response.status_code == 204
    error_of(await client.get("/api/users/me", headers=phone.headers), 401, "SESSION_REVOKED")
    assert (await client.get("/api/users/me", headers=user.headers)).status_code == 200
    assert [item["id"] for item in await sessions_of(client, user.tokens)] != [phone_id]
    again = await client.delete(f"{SESSIONS}/{phone_id}", headers=user.headers)
    error_of(again, 404, "SESSION_NOT_FOUND")


async def test_revoke_session_of_someone_else_returns_404_and_leaves_it_alone(client: httpx.AsyncClient) -> None:
    owner = await register_user(client)
    intruder = await register_user(client)
    owner_session = (await sessions_of(client, owner.tokens))[0]["id"]

    response = await client.delete(f"{SESSIONS}/{owner_session}", headers=intruder.headers)

    error_of(response, 404, "SESSION_NOT_FOUND")
    assert (await client.get("/api/users/me", headers=owner.headers)).status_code == 200


async def test_revoke_session_with_an_unknown_or_malformed_id_is_refused(client: httpx.AsyncClient) -> None:
    user = await register_user(client)

    unknown = await client.delete(f"{SESSIONS}/{uuid.uuid4()}", headers=user.headers)
    malformed = await client.delete(f"{SESSIONS}/not-a-uuid", headers=user.headers)

    error_of(unknown, 404, "SESSION_NOT_FOUND")
    assert "session_id" in error_of(malformed, 422, "VALIDATION_FAILED")["fields"]


async def test_revoke_current_session_logs_the_caller_out(client: httpx.AsyncClient) -> None:
    user = await register_user(client)
    current = (await sessions_of(client, user.tokens))[0]["id"]

    assert (await client.delete(f"{SESSIONS}/{current}", headers=user.headers)).status_code == 204

    error_of(await client.get(SESSIONS, headers=user.headers), 401, "SESSION_REVOKED")
