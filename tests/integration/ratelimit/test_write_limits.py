"""Every write spends a named limit per account: refused after its allowance with 429, `Retry-After` and
the limit's name, recovered after the window, and never another account's business."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.conftest import ClientFactory, SettingsFactory
from tests.support.http import rate_limited
from tests.support.live import sample
from tests.support.settings import rate_limits
from tests.support.social_api import Member, member, new_slug

_n = itertools.count(1)


@dataclass
class World:
    """What the limited actions act on, made by someone who is not under test."""

    room: dict[str, Any]
    message: dict[str, Any]
    post: dict[str, Any]
    strangers: list[Member]


async def world_of(owner: Member, others: list[Member], strangers: list[Member]) -> World:
    room = await owner.create_room("limits")
    for person in others:  # invited, so joining spends none of their own allowance
        await owner.invite(room["id"], person.id)
    message = await owner.send(room["id"], "hello")
    post = await owner.post("a post")
    return World(room, message, post, strangers)


Action = Callable[[Member, World], Awaitable[httpx.Response]]


def unique() -> int:
    return next(_n)


async def own_message(person: Member, world: World) -> str:
    return str((await person.send(world.room["id"], f"mine {unique()}"))["id"])


ACTIONS: dict[str, Action] = {
    "chat_message": lambda p, w: p.call("POST", f"/api/rooms/{w.room['id']}/messages", json={"body": f"m{unique()}"}),
    "chat_message (thread reply)": lambda p, w: p.call(
        "POST", f"/api/rooms/{w.room['id']}/messages/{w.message['id']}/replies", json={"body": f"r{unique()}"}
    ),
    "reaction": lambda p, w: p.call(
        "POST", f"/api/rooms/{w.room['id']}/messages/{w.message['id']}/reactions", json={"emoji": "👍"}
    ),
    "post": lambda p, w: p.call("POST", "/api/posts", json={"body": f"post {unique()}"}),
    "comment": lambda p, w: p.call("POST", f"/api/posts/{w.post['id']}/comments", json={"body": f"c{unique()}"}),
    "room_create": lambda p, w: p.call("POST", "/api/rooms", json={"name": f"room {unique()}", "kind": "public"}),
    "dm_open": lambda p, w: p.call("POST", "/api/dms", json={"user_id": w.strangers[unique() % 2].id}),
    "sanctum_create": lambda p, w: p.call("POST", "/api/sanctums", json={"name": "A sanctum", "slug": new_slug()}),
    "friend_request": lambda p, w: p.call("POST", "/api/friends/requests", json={"user_id": w.strangers.pop().id}),
    "invite": lambda p, w: p.call(
        "POST", f"/api/rooms/{w.room['id']}/invite", json={"user_id": w.strangers[unique() % 2].id}
    ),
    "game_room_create": lambda p, w: p.call("POST", "/api/games/rooms", json={"game": "connect_four"}),
    "read_marker": lambda p, w: p.call("POST", f"/api/rooms/{w.room['id']}/read", json={"message_id": w.message["id"]}),
    "ticket": lambda p, w: p.call("POST", "/api/ws/ticket"),
    "write": lambda p, w: p.call("POST", f"/api/rooms/{w.room['id']}/join"),
}


async def edit(person: Member, world: World) -> httpx.Response:
    return await person.call(
        "PATCH", f"/api/rooms/{world.room['id']}/messages/{world.message['id']}", json={"body": f"e{unique()}"}
    )


@pytest.mark.parametrize("action", [*ACTIONS, "edit"])
async def test_a_write_over_its_limit_is_refused_with_429_and_the_limit_name_while_another_account_writes_on(
    make_client: ClientFactory, make_settings: SettingsFactory, action: str
) -> None:
    limit = action.split(" ")[0]
    http = await make_client(make_settings(rate_limits=rate_limits(**{limit: "3/minute"})))
    alice, bob, owner, *strangers = [await member(http) for _ in range(9)]
    world = await world_of(owner, [alice, bob], strangers)
    run: Action = ACTIONS.get(action) or edit
    if action == "edit":  # each edits their own message (the send spends chat_message, not edit)
        world.message = await alice.send(world.room["id"], "alice's")
        bob_world = World(world.room, await bob.send(world.room["id"], "bob's"), world.post, strangers)
    else:
        bob_world = world
    refused_before = sample("rate_limited_total", limit=limit)

    allowed = [await run(alice, world) for _ in range(3)]
    refused = await run(alice, world)

    assert [r.status_code for r in allowed if r.status_code >= 400] == [], [r.text for r in allowed]
    rate_limited(refused, limit, 60)
    assert sample("rate_limited_total", limit=limit) == refused_before + 1
    assert (await run(bob, bob_world)).status_code < 400


async def test_a_refused_message_is_not_stored_and_sending_works_again_after_the_window(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    http = await make_client(make_settings(rate_limits=rate_limits(chat_message="2/2seconds")))
    alice, bob = await member(http), await member(http)
    room = await alice.create_room("burst")
    await bob.join(room["id"])
    for n in range(2):
        await alice.send(room["id"], f"burst {n}")

    refused = await alice.call("POST", f"/api/rooms/{room['id']}/messages", json={"body": "too fast"})
    wait = rate_limited(refused, "chat_message", 2)
    await bob.send(room["id"], "bob is not limited")
    await asyncio.sleep(wait)
    await alice.send(room["id"], "after the window")

    bodies = [m["body"] for m in (await bob.history(room["id"]))["items"]]
    assert bodies[:4] == ["after the window", "bob is not limited", "burst 1", "burst 0"]
    assert "too fast" not in bodies


async def test_several_rates_are_all_enforced_and_the_shortest_window_answers_first(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    http = await make_client(make_settings(rate_limits=rate_limits(post="2/minute;3/hour")))
    alice = await member(http)
    for n in range(2):
        await alice.post(f"post {n}")

    refused = await alice.call("POST", "/api/posts", json={"body": "third"})

    rate_limited(refused, "post", 60)
    assert refused.headers["RateLimit-Policy"] == "2;w=60"


async def test_the_multiplier_raises_every_allowance(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    limits = rate_limits(room_create="1/hour").model_copy(update={"multiplier": 3})
    http = await make_client(make_settings(rate_limits=limits))
    alice = await member(http)
    for n in range(3):
        await alice.create_room(f"room {n}")

    refused = await alice.call("POST", "/api/rooms", json={"name": "one too many", "kind": "public"})

    rate_limited(refused, "room_create", 3600)
    assert refused.headers["RateLimit-Limit"] == "3"
