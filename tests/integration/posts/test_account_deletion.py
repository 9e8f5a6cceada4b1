"""Deleting an account: posts and comments stay by "deleted user"; likes, memberships and friendships go."""

from __future__ import annotations

import httpx

from tests.factories import DEFAULT_PASSWORD
from tests.support.social_api import make_friends, members


async def test_a_deleted_users_posts_and_comments_stay_authorless_and_everything_else_of_theirs_goes(
    client: httpx.AsyncClient,
) -> None:
    alice, bob = await members(client, 2)
    sanctum = await alice.create_sanctum()
    await bob.join_sanctum(sanctum["slug"])
    await make_friends(alice, bob)
    post = await bob.post("I was here", sanctum)
    comment = await bob.comment(post["id"], "and here")
    reply = await alice.comment(post["id"], "hello", parent_id=comment["id"])
    mine = await alice.post("alice's post", sanctum)
    await bob.like(mine["id"])
    await bob.like_comment(reply["id"])
    message = await bob.send(sanctum["room_id"], "a message")

    await bob.ok("DELETE", "/api/users/me", 204, json={"password": DEFAULT_PASSWORD})

    kept = await alice.get_post(post["id"])
    comments = (await alice.comments(post["id"]))["items"]
    assert (kept["author"], kept["body"]) == (None, "I was here")
    assert (comments[0]["author"], comments[0]["body"], comments[0]["replies"][0]["like_count"]) == (
        None,
        "and here",
        0,
    )
    assert (await alice.get_post(mine["id"]))["like_count"] == 0
    assert await alice.sanctum_roles(sanctum["slug"]) == {alice.id: "owner"}
    assert (await alice.sanctum(sanctum["slug"]))["member_count"] == 1
    assert await alice.member_roles(sanctum["room_id"]) == {alice.id: "owner"}
    assert await alice.friend_ids() == set()
    assert (await alice.message(sanctum["room_id"], message["id"]))["author"] is None
    page = (await alice.sanctum_posts(sanctum["slug"]))["items"]
    assert [(p["id"], p["author"] and p["author"]["id"]) for p in page] == [(mine["id"], alice.id), (post["id"], None)]
    assert (await alice.call("GET", f"/api/users/{bob.username}")).status_code == 404
