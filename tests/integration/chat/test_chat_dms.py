"""Direct messages: POST /api/dms get-or-create, and a DM is visible only to its two people."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from tests.integration.chat.chat_api import people
from tests.support.http import error_of


async def test_opening_a_dm_creates_it_once_and_both_sides_get_the_same_room(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)

    first = await alice.call("POST", "/api/dms", json={"user_id": bob.id})
    second = await alice.call("POST", "/api/dms", json={"user_id": bob.id})
    other_side = await bob.call("POST", "/api/dms", json={"user_id": alice.id})

    assert first.status_code == 201, first.text
    assert second.status_code == 200 and other_side.status_code == 200
    room = first.json()
    assert second.json()["id"] == other_side.json()["id"] == room["id"]
    assert room["kind"] == "dm" and room["member_count"] == 2
    # Each side sees the other person as the room's name.
    assert room["name"] == bob.username and room["dm_user"]["id"] == bob.id
    assert other_side.json()["name"] == alice.username and other_side.json()["dm_user"]["id"] == alice.id
    dms = [entry for entry in await bob.my_rooms() if entry["room"]["kind"] == "dm"]
    assert [entry["room"]["id"] for entry in dms] == [room["id"]]
    # Not with yourself, nor with someone who does not exist.
    error_of(await alice.call("POST", "/api/dms", json={"user_id": alice.id}), 422, "VALIDATION_FAILED")
    error_of(await alice.call("POST", "/api/dms", json={"user_id": str(uuid.uuid4())}), 404, "USER_NOT_FOUND")
    error_of(await alice.call("POST", "/api/dms", json={"user_id": "nope"}), 422, "VALIDATION_FAILED")


async def test_opening_the_same_dm_concurrently_from_both_sides_makes_one_room(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)

    responses = await asyncio.gather(
        *(p.call("POST", "/api/dms", json={"user_id": o.id}) for p, o in [(alice, bob), (bob, alice)] * 3)
    )

    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert [r.status_code for r in responses].count(201) == 1


async def test_a_dm_is_visible_only_to_its_two_people(client: httpx.AsyncClient) -> None:
    alice, bob, eve = await people(client, 3)
    dm = await alice.dm(bob)
    sent = await alice.send(dm["id"], "just between us")
    base = f"/api/rooms/{dm['id']}"

    assert [m["id"] for m in await bob.newest(dm["id"])] == [sent["id"]]
    for method, path, body in [
        ("GET", base, None),
        ("GET", f"{base}/messages", None),
        ("GET", f"{base}/members", None),
        ("GET", f"{base}/messages/{sent['id']}/thread", None),
        ("POST", f"{base}/messages", {"body": "hi"}),
        ("POST", f"{base}/join", None),
        ("POST", f"{base}/read", {"message_id": sent["id"]}),
        ("POST", f"{base}/messages/{sent['id']}/reactions", {"emoji": "👍"}),
        ("PATCH", f"{base}/messages/{sent['id']}", {"body": "mine now"}),
        ("DELETE", f"{base}/messages/{sent['id']}", None),
    ]:
        error_of(await eve.call(method, path, json=body), 404, "ROOM_NOT_FOUND")
    assert dm["id"] not in {entry["room"]["id"] for entry in await eve.my_rooms()}
    assert dm["id"] not in {r["id"] for r in (await eve.directory())["items"]}
    assert (await alice.message(dm["id"], sent["id"]))["body"] == "just between us"
    # Nobody moderates a DM: each person deletes only their own messages.
    error_of(await bob.call("DELETE", f"{base}/messages/{sent['id']}"), 403, "NOT_AUTHOR")
    assert (await bob.message(dm["id"], sent["id"]))["deleted"] is False
