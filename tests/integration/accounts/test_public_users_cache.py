"""Public profiles by id are kept in each instance's memory (every list with authors asks for them),
and a change is seen at once everywhere: on the instance that made it and on every other one."""

from __future__ import annotations

from typing import Any, NamedTuple

import httpx

from tests.conftest import ClientFactory, SettingsFactory
from tests.factories import RegisteredUser, register_user
from tests.support.metrics import sample_value


async def authors_of_an_older_page(client: httpx.AsyncClient, user: RegisteredUser, room: str, before: int) -> Any:
    """The authors of a history page read from the database (pages with `before` are never cached)."""
    response = await client.get(f"/api/rooms/{room}/messages", params={"before": before}, headers=user.headers)
    assert response.status_code == 200, response.text
    return [m["author"] for m in response.json()["items"]]


class Scene(NamedTuple):
    here: httpx.AsyncClient
    there: httpx.AsyncClient  # a second instance on the same database
    alice: RegisteredUser
    bob: RegisteredUser
    room: str
    before: int  # a cursor below which the message `author` sent is the newest


async def scene(make_client: ClientFactory, make_settings: SettingsFactory, author: str) -> Scene:
    """Two instances; alice's room, which bob joins; one message by `author` ("alice" or "bob")."""
    settings = make_settings()
    here, there = await make_client(settings), await make_client(settings)
    alice, bob = await register_user(here), await register_user(here)
    room = (await here.post("/api/rooms", json={"name": "general"}, headers=alice.headers)).json()["id"]
    assert (await there.post(f"/api/rooms/{room}/join", headers=bob.headers)).status_code == 200
    by = alice if author == "alice" else bob
    sent = await here.post(f"/api/rooms/{room}/messages", json={"body": "hello"}, headers=by.headers)
    return Scene(here, there, alice, bob, room, sent.json()["id"] + 1)


async def test_a_new_display_name_is_in_message_authors_on_every_instance_at_once(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    here, there, alice, bob, room, before = await scene(make_client, make_settings, author="alice")
    for client in (here, there):  # both instances now hold alice's profile
        authors = await authors_of_an_older_page(client, bob, room, before)
        assert authors[0]["display_name"] == alice.username
    hits = await sample_value(there, "cache_requests_total", cache="public_users", result="hit")

    renamed = await here.patch("/api/users/me", json={"display_name": "Alice Renamed"}, headers=alice.headers)
    assert renamed.status_code == 200

    for client in (here, there):
        authors = await authors_of_an_older_page(client, bob, room, before)
        assert authors[0]["display_name"] == "Alice Renamed"
    assert (await authors_of_an_older_page(there, bob, room, before))[0]["display_name"] == "Alice Renamed"
    assert await sample_value(there, "cache_requests_total", cache="public_users", result="hit") > hits


async def test_a_deleted_account_leaves_message_authors_on_every_instance_at_once(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    here, there, alice, bob, room, before = await scene(make_client, make_settings, author="bob")
    assert (await authors_of_an_older_page(there, alice, room, before))[0]["username"] == bob.username

    deleted = await here.request("DELETE", "/api/users/me", json={"password": bob.password}, headers=bob.headers)
    assert deleted.status_code == 204

    assert (await authors_of_an_older_page(there, alice, room, before))[0] is None
