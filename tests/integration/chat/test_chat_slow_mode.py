"""Slow mode: a room's owner or moderators set one message per N seconds for its members; moderators
and the owner are exempt, and a refused member is told how long to wait."""

from __future__ import annotations

import asyncio

import httpx

from tests.integration.chat.chat_api import people
from tests.support.http import error_of, rate_limited
from tests.support.social_api import members


async def test_a_members_second_message_inside_the_window_is_refused_with_the_seconds_left(
    client: httpx.AsyncClient,
) -> None:
    owner, alice, bob = await people(client, 3)
    room = await owner.create_room("heated")
    for person in (alice, bob):
        await person.join(room["id"])
    assert (await owner.update_room(room["id"], slow_mode_seconds=30))["slow_mode_seconds"] == 30

    await alice.send(room["id"], "first")
    refused = await alice.call("POST", f"/api/rooms/{room['id']}/messages", json={"body": "second"})
    await bob.send(room["id"], "bob has his own window")

    wait = rate_limited(refused, "slow_mode", 30)
    assert wait > 25
    assert refused.json()["error"]["message"] == "Slow mode is on: one message every 30 s."
    assert (await alice.room(room["id"]))["slow_mode_seconds"] == 30


async def test_the_owner_and_moderators_are_exempt(client: httpx.AsyncClient) -> None:
    owner, moderator, member = await members(client, 3)
    sanctum = await owner.create_sanctum()
    for person in (moderator, member):
        await person.join_sanctum(sanctum["slug"])
    await owner.set_role(sanctum["slug"], moderator.id, "moderator")  # a sanctum's roles are its room's
    room_id = sanctum["room_id"]
    await moderator.update_room(room_id, slow_mode_seconds=60)

    for person in (owner, moderator, owner, moderator):
        await person.send(room_id, f"{person.username} again")
    await member.send(room_id, "once")
    rate_limited(await member.call("POST", f"/api/rooms/{room_id}/messages", json={"body": "twice"}), "slow_mode", 60)


async def test_a_member_cannot_set_slow_mode_and_turning_it_off_lets_members_send_again(
    client: httpx.AsyncClient,
) -> None:
    owner, alice = await people(client, 2)
    room = await owner.create_room("calm")
    await alice.join(room["id"])
    await owner.update_room(room["id"], slow_mode_seconds=1)

    error_of(await alice.call("PATCH", f"/api/rooms/{room['id']}", json={"slow_mode_seconds": 0}), 403, "NOT_MODERATOR")
    await alice.send(room["id"], "one")
    await asyncio.sleep(1.1)
    await alice.send(room["id"], "a second later")
    await owner.update_room(room["id"], slow_mode_seconds=0)
    for n in range(3):
        await alice.send(room["id"], f"free again {n}")


async def test_slow_mode_is_bounded(client: httpx.AsyncClient) -> None:
    (owner,) = await people(client, 1)
    room = await owner.create_room("bounds")

    for value in (-1, 6 * 3600 + 1, 2.5):
        response = await owner.call("PATCH", f"/api/rooms/{room['id']}", json={"slow_mode_seconds": value})
        assert error_of(response, 422, "VALIDATION_FAILED")["fields"].keys() == {"slow_mode_seconds"}
