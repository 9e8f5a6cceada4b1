"""GET /api/users/me/rooms (order, unread counts, last message) and POST /api/rooms/{id}/read."""

from __future__ import annotations

import httpx

from tests.integration.chat.chat_api import in_parallel, people
from tests.support.http import error_of


async def test_rooms_are_listed_by_most_recent_activity_first(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    first = await alice.create_room("First")
    second = await alice.create_room("Second")
    third = await alice.create_room("Third")
    dm = await bob.dm(alice)
    order_after_creation = [entry["room"]["id"] for entry in await alice.my_rooms()]

    await alice.send(first["id"], "bump")
    after_message = [entry["room"]["id"] for entry in await alice.my_rooms()]
    await bob.send(dm["id"], "hello")
    after_dm = [entry["room"]["id"] for entry in await alice.my_rooms()]

    assert order_after_creation == [dm["id"], third["id"], second["id"], first["id"]]
    assert [entry["room"]["id"] for entry in await bob.my_rooms()] == [dm["id"]]  # only the caller's rooms
    assert after_message == [first["id"], dm["id"], third["id"], second["id"]]
    assert after_dm == [dm["id"], first["id"], third["id"], second["id"]]


async def test_each_room_carries_its_last_message_and_unread_count(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("News")
    await bob.join(room["id"])

    await alice.send(room["id"], "one")
    last = await alice.send(room["id"], "**two**")
    entry = await bob.my_room(room["id"])

    assert entry["unread_count"] == 2
    assert entry["last_message"]["id"] == last["id"]
    assert entry["last_message"]["body"] == "**two**" and entry["last_message"]["html"] == "<p><strong>two</strong></p>"
    assert entry["room"]["name"] == "News" and entry["room"]["my_role"] == "member"
    # Nothing is unread for Alice: her own messages never are, and Bob's join line is no noise.
    assert (await alice.my_room(room["id"]))["unread_count"] == 0


async def test_unread_excludes_own_messages_thread_replies_and_deleted_messages(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Counting")
    await bob.join(room["id"])
    parent = await alice.send(room["id"], "parent")
    await alice.reply(room["id"], parent["id"], "a reply")
    doomed = await alice.send(room["id"], "soon gone")
    await bob.send(room["id"], "bob's own")
    assert await bob.unread(room["id"]) == 2

    await alice.delete(room["id"], doomed["id"])

    assert await bob.unread(room["id"]) == 1
    assert (await bob.thread(room["id"], parent["id"]))["parent"]["reply_count"] == 1


async def test_a_busy_room_caps_unread_at_100_and_history_pages_at_100(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Busy")
    await bob.join(room["id"])

    sent = sorted(m["id"] for m in await in_parallel(alice.send(room["id"], f"message {n}") for n in range(101)))
    entry = await bob.my_room(room["id"])
    page = await bob.history(room["id"], limit=100)
    read = await bob.mark_read(room["id"], sent[-2])

    assert entry["unread_count"] == 100
    assert [m["id"] for m in page["items"]] == sent[:0:-1] and page["has_more"] is True
    assert read["unread_count"] == 1
    error_of(
        await bob.call("GET", f"/api/rooms/{room['id']}/messages", params={"limit": 101}), 422, "VALIDATION_FAILED"
    )


async def test_a_newcomer_has_nothing_unread_from_before_they_joined(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Old history")
    old = [(await alice.send(room["id"], f"old {n}"))["id"] for n in range(5)]

    joined = await bob.join(room["id"])
    unread_on_joining = await bob.unread(room["id"])
    await alice.send(room["id"], "new")

    assert joined["last_read_message_id"] == old[-1]
    assert unread_on_joining == 0
    assert await bob.unread(room["id"]) == 1


async def test_marking_read_moves_the_position_forward_only(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Reading")
    await bob.join(room["id"])
    sent = [await alice.send(room["id"], f"m{n}") for n in range(4)]

    to_second = await bob.mark_read(room["id"], sent[1]["id"])
    backwards = await bob.mark_read(room["id"], sent[0]["id"])
    unread_after_backwards = await bob.unread(room["id"])
    to_last = await bob.mark_read(room["id"], sent[3]["id"])

    assert to_second == {"room_id": room["id"], "last_read_message_id": sent[1]["id"], "unread_count": 2}
    assert backwards["last_read_message_id"] == sent[1]["id"] and backwards["unread_count"] == 2
    assert unread_after_backwards == 2
    assert to_last["unread_count"] == 0 and await bob.unread(room["id"]) == 0
    assert (await bob.room(room["id"]))["last_read_message_id"] == sent[3]["id"]


async def test_mark_read_errors(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Reading")
    other = await alice.create_room("Elsewhere")
    newest = (await alice.newest(room["id"]))[0]["id"]
    elsewhere = await alice.send(other["id"], "in the other room")
    path = f"/api/rooms/{room['id']}/read"

    error_of(await bob.call("POST", path, json={"message_id": newest}), 403, "NOT_A_MEMBER")
    error_of(await alice.call("POST", path, json={"message_id": elsewhere["id"]}), 422, "VALIDATION_FAILED")
    error_of(await alice.call("POST", path, json={"message_id": 0}), 422, "VALIDATION_FAILED")
