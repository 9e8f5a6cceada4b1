"""Home: the first-run checklist, and what needs the person first, in one read."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.notifications.notifications_api import Instance
from tests.support.social_api import Member, members


@pytest.fixture
async def instance(make_settings: SettingsFactory, make_client: ClientFactory) -> Instance:
    app: FastAPI = create_app(make_settings())
    http: httpx.AsyncClient = await make_client(app=app)
    return Instance(app, http)


async def home(person: Member) -> dict[str, Any]:
    body: dict[str, Any] = await person.ok("GET", "/api/home")
    return body


async def test_home_shows_the_checklist_then_what_needs_you_and_hides_the_checklist_once_done(
    instance: Instance,
) -> None:
    alice, bob, carol = await members(instance.http, 3)
    first = await home(alice)
    assert first["first_sanctum"] is True
    assert first["checklist"] == {
        "in_sanctum": False,
        "said_hello": False,
        "has_friend": False,
        "played_game": False,
        "done": False,
    }
    assert [first[k] for k in ("unread_rooms", "your_turn", "friend_requests", "mentions", "new_posts")] == [[]] * 5

    club = await alice.create_sanctum("Club")
    await bob.join_sanctum(club["slug"])
    post = await bob.post(f"welcome @{alice.username}", club)
    await alice.post("my own post is not news to me", club)
    await carol.befriend(alice)
    dm = await bob.dm(alice)
    await bob.send(dm["id"], "hello")
    game = await alice.ok("POST", "/api/games/rooms", 201, json={"game": "connect_four"})
    await bob.ok("POST", f"/api/games/rooms/{game['id']}/join")
    await instance.settle()

    now = await home(alice)
    assert now["first_sanctum"] is False and (await home(carol))["first_sanctum"] is False
    assert now["checklist"] == {
        "in_sanctum": True,
        "said_hello": False,
        "has_friend": False,
        "played_game": True,
        "done": False,
    }
    unread = [(r["room"]["id"], r["unread_count"]) for r in now["unread_rooms"]]
    assert (dm["id"], 1) in unread and all(count > 0 for _, count in unread)  # the sanctum's room may greet bob
    assert [g["id"] for g in now["your_turn"]] == [game["id"]]  # the creator moves first
    assert [r["user"]["id"] for r in now["friend_requests"]] == [carol.id]
    assert [(m["kind"], m["data"]["post_id"]) for m in now["mentions"]] == [("post_mention", str(post["id"]))]
    assert [p["id"] for p in now["new_posts"]] == [post["id"]]
    assert (await home(bob))["your_turn"] == []  # not his turn

    await alice.accept(carol)
    await alice.send(dm["id"], "hi bob")
    assert (await home(alice))["checklist"]["done"] is True
