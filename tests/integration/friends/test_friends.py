"""Friend requests: send, accept, decline, cancel, remove; one row per pair, whatever the timing."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.http import error_of
from tests.support.social_api import members


async def test_a_request_accepted_makes_two_people_friends_until_one_removes_the_other(
    client: httpx.AsyncClient,
) -> None:
    alice, bob = await members(client, 2)

    sent = await alice.befriend(bob)
    again = await alice.befriend(bob)
    pending = (await alice.friend_requests(), await bob.friend_requests())
    states = (await alice.friend_status(bob), await bob.friend_status(alice))
    accepted = await bob.accept(alice)
    friends = (await alice.friend_ids(), await bob.friend_ids())
    await bob.unfriend(alice)

    assert sent == again == {"user_id": bob.id, "status": "outgoing"}
    assert pending == ({"incoming": [], "outgoing": [bob.id]}, {"incoming": [alice.id], "outgoing": []})
    assert states == ("outgoing", "incoming")
    assert accepted == {"user_id": alice.id, "status": "friends"}
    assert friends == ({bob.id}, {alice.id})
    assert (await alice.friend_ids(), await alice.friend_status(bob)) == (set(), "none")
    error_of(await alice.call("DELETE", f"/api/friends/{bob.id}"), 404, "NOT_FRIENDS")


async def test_declining_and_cancelling_remove_the_request_and_only_the_right_side_may_do_each(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol = await members(client, 3)
    await alice.befriend(bob)
    await alice.befriend(carol)

    wrong_accept = await alice.call("POST", f"/api/friends/requests/{bob.id}/accept")
    wrong_decline = await alice.call("POST", f"/api/friends/requests/{bob.id}/decline")
    wrong_cancel = await bob.call("DELETE", f"/api/friends/requests/{alice.id}")
    await bob.decline(alice)
    await alice.cancel(carol)

    error_of(wrong_accept, 404, "FRIEND_REQUEST_NOT_FOUND")
    error_of(wrong_decline, 404, "FRIEND_REQUEST_NOT_FOUND")
    error_of(wrong_cancel, 404, "FRIEND_REQUEST_NOT_FOUND")
    assert await alice.friend_requests() == {"incoming": [], "outgoing": []}
    assert await carol.friend_requests() == {"incoming": [], "outgoing": []}
    error_of(await alice.call("POST", "/api/friends/requests", json={"user_id": alice.id}), 422, "VALIDATION_FAILED")
    unknown = "7a0f4b5e-0000-4000-8000-000000000000"
    error_of(await alice.call("POST", "/api/friends/requests", json={"user_id": unknown}), 404, "USER_NOT_FOUND")


async def test_requests_in_both_directions_at_once_leave_one_friendship(client: httpx.AsyncClient) -> None:
    alice, bob = await members(client, 2)

    results = await asyncio.gather(
        *(p.call("POST", "/api/friends/requests", json={"user_id": o.id}) for p, o in [(alice, bob), (bob, alice)] * 3)
    )

    assert [r.status_code for r in results] == [200] * 6
    # Whoever came second accepted the first one's request.
    assert (await alice.friend_ids(), await bob.friend_ids()) == ({bob.id}, {alice.id})
    assert await alice.friend_requests() == {"incoming": [], "outgoing": []}
