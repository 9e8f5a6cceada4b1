"""Blocks: whoever blocked whom, the two cannot start contact, and the blocked one is never told.

One live server per test (REST and its sockets): the refusals are the generic CANNOT_CONTACT_USER,
the same from either side; the blocked user's mentions and invites never reach the blocker's socket.
"""

from __future__ import annotations

from typing import Any

from tests.integration.chat.chat_api import Person, people
from tests.support.http import error_of
from tests.support.live import LiveServer

REFUSED = (403, "CANNOT_CONTACT_USER")


async def block(who: Person, other: Person) -> dict[str, Any]:
    body: dict[str, Any] = await who.ok("POST", f"/api/users/{other.id}/block")
    return body


async def test_a_block_refuses_dms_group_and_room_adds_friend_requests_and_game_invites_both_ways(
    server: LiveServer,
) -> None:
    alice, bob, carol, dan = await people(server.http, 4)
    old_dm = await alice.dm(bob)
    private = await bob.create_room("Bob's den", "private")
    game = await bob.ok("POST", "/api/games/rooms", 201, json={"game": "connect_four"})
    alice_ws = await server.connect(alice.user)
    await alice_ws.subscribe(f"user:{alice.id}")

    listed = await block(alice, bob)
    again = await block(alice, bob)

    assert [item["user"]["id"] for item in listed["items"]] == listed["ids"] == [bob.id]
    assert again["ids"] == [bob.id]
    await block(dan, carol)
    for first, second in ((bob, alice), (alice, bob)):  # the blocked side and the blocker alike
        assert (await first.dm(second, 200))["id"] == old_dm["id"]  # an old conversation opens, to read
        error_of(await first.call("POST", "/api/friends/requests", json={"user_id": second.id}), *REFUSED)
        group = {"name": "G", "kind": "group", "member_ids": [second.id, carol.id]}
        error_of(await first.call("POST", "/api/rooms", json=group), *REFUSED)
        error_of(await first.call("POST", f"/api/rooms/{old_dm['id']}/messages", json={"body": "hi"}), *REFUSED)
    for first, second in ((carol, dan), (dan, carol)):  # no new conversation, either way
        error_of(await first.call("POST", "/api/dms", json={"user_id": second.id}), *REFUSED)
    error_of(await bob.call("POST", f"/api/rooms/{private['id']}/invite", json={"user_id": alice.id}), *REFUSED)
    invite = {"user_id": alice.id}
    error_of(await bob.call("POST", f"/api/games/rooms/{game['id']}/invite", json=invite), *REFUSED)
    await carol.ok("POST", f"/api/games/rooms/{game['id']}/join")  # someone else is still welcome
    await bob.ok("POST", f"/api/rooms/{private['id']}/invite", json={"user_id": carol.id})
    carol_game = await carol.ok("POST", "/api/games/rooms", 201, json={"game": "connect_four"})
    await carol.ok("POST", f"/api/games/rooms/{carol_game['id']}/invite", 204, json=invite)
    # The first game invite on Alice's socket is Carol's: Bob's never reached it.
    received = await alice_ws.expect("game.invite", topic=f"user:{alice.id}")
    assert received["data"]["room_id"] == carol_game["id"]

    await alice.ok("DELETE", f"/api/users/{bob.id}/block", 204)
    await alice.ok("DELETE", f"/api/users/{bob.id}/block", 204)  # idempotent
    assert (await alice.ok("GET", "/api/users/me/blocks"))["ids"] == []
    await bob.send(old_dm["id"], "friends again?")
    await bob.ok("POST", "/api/friends/requests", json={"user_id": alice.id})


async def test_the_blocked_users_mentions_replies_and_reactions_notify_nobody_and_search_hides_the_blocker(
    server: LiveServer,
) -> None:
    alice, bob, carol = await people(server.http, 3)
    room = await alice.create_room("Town square")
    await bob.join(room["id"])
    await carol.join(room["id"])
    mine = await alice.send(room["id"], "my thread")
    ws = await server.connect(alice.user)
    await ws.subscribe(f"user:{alice.id}")
    await block(alice, bob)

    await bob.send(room["id"], f"hey @{alice.username}")
    await bob.reply(room["id"], mine["id"], f"replying @{alice.username}")
    await bob.react(room["id"], mine["id"], "👍")
    await server.app.state.services.jobs.settle()
    await carol.send(room["id"], f"hello @{alice.username}")
    created = await ws.expect("notification.created", topic=f"user:{alice.id}")
    found_by_bob = await bob.ok("GET", "/api/users", params={"q": alice.username})
    found_by_carol = await carol.ok("GET", "/api/users", params={"q": alice.username})
    found_by_alice = await alice.ok("GET", "/api/users", params={"q": bob.username})

    assert created["data"]["notification"]["actor"]["id"] == carol.id
    items = (await alice.ok("GET", "/api/notifications"))["items"]
    assert [n["actor"]["id"] for n in items] == [carol.id]
    assert found_by_bob["items"] == []
    assert [u["id"] for u in found_by_carol["items"]] == [alice.id]
    assert [u["id"] for u in found_by_alice["items"]] == [bob.id]  # the blocker still finds them
    error_of(await bob.call("POST", f"/api/users/{bob.id}/block"), 422, "VALIDATION_FAILED")
