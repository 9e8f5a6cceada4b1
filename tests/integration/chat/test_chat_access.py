"""Who may read and write where (over REST; subscribing is in test_chat_live.py)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.integration.chat.chat_api import Person, ids, people
from tests.support.http import error_of


async def test_a_non_member_can_read_nothing_of_a_closed_room(client: httpx.AsyncClient) -> None:
    alice, bob, eve = await people(client, 3)
    for kind in ("private", "group"):
        await check_closed(alice, bob, eve, await alice.create_room("Closed", kind=kind, member_ids=[bob.id]))


async def check_closed(alice: Person, bob: Person, eve: Person, room: dict[str, Any]) -> None:
    parent = await alice.send(room["id"], f"secret for @{eve.username}")
    await bob.reply(room["id"], parent["id"], "secret reply")
    base = f"/api/rooms/{room['id']}"

    for path in [
        base,
        f"{base}/messages",
        f"{base}/messages?after=0",
        f"{base}/messages/{parent['id']}/thread",
        f"{base}/members",
    ]:
        error_of(await eve.call("GET", path), 404, "ROOM_NOT_FOUND")
    for path, body in [
        (f"{base}/messages", {"body": "let me in"}),
        (f"{base}/messages/{parent['id']}/replies", {"body": "x"}),
        (f"{base}/read", {"message_id": parent["id"]}),
        (f"{base}/invite", {"user_id": eve.id}),
        (f"{base}/leave", None),
    ]:
        error_of(await eve.call("POST", path, json=body), 404, "ROOM_NOT_FOUND")
    # The mention did not reach someone who cannot see the room, and the room is not listed for her.
    assert (await eve.mentions())["items"] == []
    assert room["id"] not in {entry["room"]["id"] for entry in await eve.my_rooms()}
    assert room["id"] not in {r["id"] for r in (await eve.directory())["items"]}
    # The same requests work for a member.
    assert ids(await bob.newest(room["id"]))[0] == parent["id"]


async def test_an_unknown_room_looks_exactly_like_a_closed_one(client: httpx.AsyncClient) -> None:
    alice, eve = await people(client, 2)
    closed = await alice.create_room("Closed", kind="private")

    hidden = await eve.call("GET", f"/api/rooms/{closed['id']}/messages")
    missing = await eve.call("GET", f"/api/rooms/{uuid.uuid4()}/messages")

    assert error_of(hidden, 404, "ROOM_NOT_FOUND")["message"] == error_of(missing, 404, "ROOM_NOT_FOUND")["message"]


async def test_a_public_room_is_readable_by_anyone_but_writing_requires_joining(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Open")
    parent = await alice.send(room["id"], "hello world")
    reply = await alice.reply(room["id"], parent["id"], "in a thread")
    base = f"/api/rooms/{room['id']}"

    assert (await bob.room(room["id"]))["my_role"] is None
    assert ids(await bob.newest(room["id"]))[0] == parent["id"]
    assert ids((await bob.thread(room["id"], parent["id"]))["replies"]) == [reply["id"]]
    assert {m["user"]["id"] for m in await bob.members(room["id"])} == {alice.id}
    for method, path, body in [
        ("POST", f"{base}/messages", {"body": "hi"}),
        ("POST", f"{base}/messages/{parent['id']}/replies", {"body": "hi"}),
        ("POST", f"{base}/messages/{parent['id']}/reactions", {"emoji": "👍"}),
        ("DELETE", f"{base}/messages/{parent['id']}/reactions/👍", None),
        ("PATCH", f"{base}/messages/{parent['id']}", {"body": "hi"}),
        ("DELETE", f"{base}/messages/{parent['id']}", None),
        ("POST", f"{base}/read", {"message_id": parent["id"]}),
        ("POST", f"{base}/invite", {"user_id": bob.id}),
    ]:
        error_of(await bob.call(method, path, json=body), 403, "NOT_A_MEMBER")

    await bob.join(room["id"])
    sent = await bob.send(room["id"], "now I can")

    assert ids(await alice.newest(room["id"]))[0] == sent["id"]
