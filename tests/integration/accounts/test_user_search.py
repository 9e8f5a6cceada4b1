"""GET /api/users?q=: people search by the start of a username or display name."""

from __future__ import annotations

import uuid

import httpx
import pytest

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.factories import DEFAULT_PASSWORD, RegisteredUser, register_user
from tests.support.settings import rate_limits

SEARCH = "/api/users"


def tag() -> str:
    """A prefix no other account of this test run has."""
    return "p" + uuid.uuid4().hex[:8]


async def search(client: httpx.AsyncClient, who: RegisteredUser, **params: object) -> dict[str, object]:
    response = await client.get(SEARCH, params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def usernames(page: dict[str, object]) -> list[str]:
    items = page["items"]
    assert isinstance(items, list)
    return [item["username"] for item in items]


async def test_search_ranks_the_exact_username_then_username_prefixes_then_display_names(
    client: httpx.AsyncClient,
) -> None:
    t = tag()
    exact = await register_user(client, t)
    longer = await register_user(client, f"{t}zed")
    by_name = await register_user(client)
    response = await client.patch("/api/users/me", json={"display_name": f"Ada {t.upper()}"}, headers=by_name.headers)
    assert response.status_code == 200
    await register_user(client, f"x{t}")  # the query is inside the name, not at a start: no match

    page = await search(client, exact, q=t)

    assert usernames(page) == [exact.username, longer.username, by_name.username]
    assert page["next_cursor"] is None
    assert usernames(await search(client, exact, q=f"@{t.upper()}")) == usernames(page)


async def test_search_results_carry_public_fields_only(client: httpx.AsyncClient) -> None:
    t = tag()
    found = await register_user(client, t)

    page = await search(client, found, q=t)

    [item] = page["items"]  # type: ignore[misc]
    assert set(item) == {"id", "username", "display_name", "bio", "avatar_url", "created_at", "is_bot"}
    assert found.email not in str(page)


async def test_search_pages_by_cursor_without_gaps_or_repeats(client: httpx.AsyncClient) -> None:
    t = tag()
    people = [await register_user(client, f"{t}{i}") for i in range(5)]

    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await search(client, people[0], q=t, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += usernames(page)
        cursor = page["next_cursor"]  # type: ignore[assignment]
        if cursor is None:
            break
    assert seen == [p.username for p in people]


async def test_a_deleted_account_is_not_found(client: httpx.AsyncClient) -> None:
    t = tag()
    gone, stays = await register_user(client, f"{t}a"), await register_user(client, f"{t}b")
    response = await client.request(
        "DELETE", "/api/users/me", json={"password": DEFAULT_PASSWORD}, headers=gone.headers
    )
    assert response.status_code == 204

    assert usernames(await search(client, stays, q=t)) == [stays.username]


async def test_like_wildcards_in_a_query_match_only_themselves(client: httpx.AsyncClient) -> None:
    someone = await register_user(client)

    assert usernames(await search(client, someone, q="%")) == []
    assert usernames(await search(client, someone, q="_")) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "a\u202eb"}, "q"),
        ({"q": "x" * 65}, "q"),
        ({"q": "a", "cursor": "not-a-cursor"}, "cursor"),
        ({"q": "a", "limit": 0}, "limit"),
        ({"q": "a", "limit": 51}, "limit"),
        ({}, "q"),
    ],
    ids=["empty", "blank", "nul", "bidi-override", "too-long", "bad-cursor", "limit-0", "limit-51", "missing"],
)
async def test_hostile_queries_are_refused_with_a_clear_422(
    client: httpx.AsyncClient, params: dict[str, object], field: str
) -> None:
    someone = await register_user(client)

    response = await client.get(SEARCH, params=params, headers=someone.headers)

    assert response.status_code == 422, response.text
    assert field in response.json()["error"].get("fields", {})


async def test_search_needs_a_signed_in_caller(client: httpx.AsyncClient) -> None:
    assert (await client.get(SEARCH, params={"q": "a"})).status_code == 401


async def test_search_is_rate_limited_per_caller(make_settings: SettingsFactory, make_client: ClientFactory) -> None:
    app = create_app(make_settings(rate_limits=rate_limits(user_search_per_user="3/minute")))
    client = await make_client(app=app)
    eager, other = await register_user(client), await register_user(client)

    statuses = [(await client.get(SEARCH, params={"q": "a"}, headers=eager.headers)).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    limited = await client.get(SEARCH, params={"q": "a"}, headers=eager.headers)
    assert limited.json()["error"]["code"] == "RATE_LIMITED"
    assert (await client.get(SEARCH, params={"q": "a"}, headers=other.headers)).status_code == 200
