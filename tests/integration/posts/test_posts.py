"""Posts, comments with one level of replies, and likes: who may do what, counts on every read."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.http import error_of
from tests.support.social_api import members


async def test_members_post_in_a_sanctum_and_anyone_on_their_profile_with_sanitized_markdown(
    client: httpx.AsyncClient,
) -> None:
    alice, bob = await members(client, 2)
    sanctum = await alice.create_sanctum()

    in_sanctum = await alice.post("**bold** <script>alert(1)</script> [x](javascript:alert(1))", sanctum)
    on_profile = await bob.post("_hello_")
    not_member = await bob.call("POST", "/api/posts", json={"body": "hi", "sanctum_id": sanctum["id"]})

    assert in_sanctum["html"].startswith("<p><strong>bold</strong> &lt;script&gt;")
    assert 'href="javascript' not in in_sanctum["html"] and "<script" not in in_sanctum["html"]
    assert in_sanctum["sanctum"] == {k: sanctum[k] for k in ("id", "slug", "name", "visibility")}
    assert in_sanctum["author"]["id"] == alice.id
    assert (in_sanctum["like_count"], in_sanctum["comment_count"], in_sanctum["liked_by_me"]) == (0, 0, False)
    assert on_profile["sanctum"] is None and on_profile["html"] == "<p><em>hello</em></p>"
    assert await alice.get_post(on_profile["id"]) == on_profile
    error_of(not_member, 403, "NOT_A_MEMBER")


async def test_the_author_edits_and_the_author_or_a_moderator_deletes(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await members(client, 3)
    sanctum = await alice.create_sanctum()
    await bob.join_sanctum(sanctum["slug"])
    await carol.join_sanctum(sanctum["slug"])
    first = await bob.post("first", sanctum)
    second = await bob.post("second", sanctum)

    edited = await bob.edit_post(first["id"], "first, *edited*")
    not_author = await alice.call("PATCH", f"/api/posts/{first['id']}", json={"body": "mine now"})
    not_moderator = await carol.call("DELETE", f"/api/posts/{first['id']}")
    await alice.delete_post(first["id"])  # the owner moderates
    await bob.delete_post(second["id"])  # the author

    assert (edited["body"], edited["html"]) == ("first, *edited*", "<p>first, <em>edited</em></p>")
    assert edited["edited_at"] is not None
    error_of(not_author, 403, "NOT_AUTHOR")
    error_of(not_moderator, 403, "NOT_AUTHOR")
    for post in (first, second):
        error_of(await bob.call("GET", f"/api/posts/{post['id']}"), 404, "POST_NOT_FOUND")
    assert (await bob.sanctum_posts(sanctum["slug"]))["items"] == []


async def test_comments_have_one_level_of_replies_and_counts_follow_them(client: httpx.AsyncClient) -> None:
    alice, bob = await members(client, 2)
    post = await alice.post("a post")

    top = await bob.comment(post["id"], "top **level**")
    reply = await alice.comment(post["id"], "a reply", parent_id=top["id"])
    other = await alice.comment(post["id"], "another")
    too_deep = await bob.call("POST", f"/api/posts/{post['id']}/comments", json={"body": "x", "parent_id": reply["id"]})
    elsewhere = await alice.post("elsewhere")
    wrong_post = await bob.call(
        "POST", f"/api/posts/{elsewhere['id']}/comments", json={"body": "x", "parent_id": top["id"]}
    )
    listed = await alice.comments(post["id"])
    paged = await alice.comments(post["id"], limit=1)
    after = await alice.comments(post["id"], limit=1, after=paged["next_after"])

    assert top["html"] == "<p>top <strong>level</strong></p>"
    assert [c["id"] for c in listed["items"]] == [top["id"], other["id"]]
    assert [r["id"] for r in listed["items"][0]["replies"]] == [reply["id"]]
    assert (listed["items"][0]["reply_count"], listed["next_after"]) == (1, None)
    assert [c["id"] for c in paged["items"]] == [top["id"]] and [c["id"] for c in after["items"]] == [other["id"]]
    assert error_of(too_deep, 422, "VALIDATION_FAILED")["fields"] == {
        "parent_id": "replies go one level deep: reply to a top-level comment"
    }
    error_of(wrong_post, 422, "VALIDATION_FAILED")
    assert (await bob.get_post(post["id"]))["comment_count"] == 3

    edited = await bob.edit_comment(top["id"], "top, edited")
    error_of(await alice.call("PATCH", f"/api/comments/{top['id']}", json={"body": "no"}), 403, "NOT_AUTHOR")
    error_of(await alice.call("DELETE", f"/api/comments/{top['id']}"), 403, "NOT_AUTHOR")
    await bob.delete_comment(top["id"])  # its reply goes with it

    assert (edited["body"], edited["reply_count"]) == ("top, edited", 1)
    assert [c["id"] for c in (await alice.comments(post["id"]))["items"]] == [other["id"]]
    assert (await bob.get_post(post["id"]))["comment_count"] == 1
    error_of(await bob.call("PATCH", f"/api/comments/{reply['id']}", json={"body": "x"}), 404, "COMMENT_NOT_FOUND")


async def test_likes_are_idempotent_even_when_sent_at_the_same_time(client: httpx.AsyncClient) -> None:
    alice, bob = await members(client, 2)
    post = await alice.post("like me")
    comment = await alice.comment(post["id"], "me too")

    post_likes = await asyncio.gather(*(bob.call("POST", f"/api/posts/{post['id']}/like") for _ in range(8)))
    comment_likes = await asyncio.gather(*(bob.call("POST", f"/api/comments/{comment['id']}/like") for _ in range(8)))
    await alice.like(post["id"])
    seen_by_bob = await bob.get_post(post["id"])
    seen_by_alice = (await alice.comments(post["id"]))["items"][0]

    assert [r.status_code for r in post_likes + comment_likes] == [200] * 16
    assert {r.json()["like_count"] for r in comment_likes} == {1}
    assert (seen_by_bob["like_count"], seen_by_bob["liked_by_me"]) == (2, True)
    assert (seen_by_alice["like_count"], seen_by_alice["liked_by_me"]) == (1, False)
    assert (await bob.unlike(post["id"])) == {"target": "post", "id": post["id"], "like_count": 1, "liked_by_me": False}
    assert (await bob.unlike(post["id"]))["like_count"] == 1
    assert (await alice.get_post(post["id"]))["liked_by_me"] is True


async def test_a_private_sanctums_posts_are_invisible_to_non_members(client: httpx.AsyncClient) -> None:
    alice, eve = await members(client, 2)
    sanctum = await alice.create_sanctum(visibility="private")
    post = await alice.post("members only", sanctum)
    comment = await alice.comment(post["id"], "also members only")

    for method, path in [
        ("GET", f"/api/posts/{post['id']}"),
        ("PATCH", f"/api/posts/{post['id']}"),
        ("DELETE", f"/api/posts/{post['id']}"),
        ("POST", f"/api/posts/{post['id']}/like"),
        ("GET", f"/api/posts/{post['id']}/comments"),
        ("POST", f"/api/posts/{post['id']}/comments"),
    ]:
        json = {"body": "x"} if method in ("PATCH", "POST") and not path.endswith("like") else None
        error_of(await eve.call(method, path, json=json), 404, "POST_NOT_FOUND")
    for method, path in [
        ("PATCH", f"/api/comments/{comment['id']}"),
        ("DELETE", f"/api/comments/{comment['id']}"),
        ("POST", f"/api/comments/{comment['id']}/like"),
    ]:
        json = {"body": "x"} if method == "PATCH" else None
        error_of(await eve.call(method, path, json=json), 404, "COMMENT_NOT_FOUND")
    error_of(
        await eve.call("POST", "/api/posts", json={"body": "x", "sanctum_id": sanctum["id"]}), 404, "SANCTUM_NOT_FOUND"
    )
    assert post["id"] not in [p["id"] for p in (await eve.feed())["items"]]


async def test_a_moderator_removes_any_comment_which_stays_as_a_marker_with_its_replies_until_removed_again(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol = await members(client, 3)
    sanctum = await alice.create_sanctum()
    for person in (bob, carol):
        await person.join_sanctum(sanctum["slug"])
    await alice.set_role(sanctum["slug"], bob.id, "moderator")
    post = await carol.post("a post", sanctum)
    rude = await carol.comment(post["id"], "rude")
    reply = await alice.comment(post["id"], "please be kind", parent_id=rude["id"])
    kept = await alice.comment(post["id"], "kind")
    await carol.like_comment(kept["id"])
    await alice.like_comment(rude["id"])

    unliked = await carol.ok("DELETE", f"/api/comments/{kept['id']}/like")
    await bob.delete_comment(rude["id"])  # a moderator, not the author
    thread = (await carol.comments(post["id"]))["items"]
    refused = [
        await carol.call("PATCH", f"/api/comments/{rude['id']}", json={"body": "sneaky"}),
        await alice.call("POST", f"/api/comments/{rude['id']}/like"),
        await alice.call("POST", f"/api/posts/{post['id']}/comments", json={"body": "x", "parent_id": rude["id"]}),
    ]
    await bob.delete_comment(rude["id"])  # removing the marker takes it and its replies away
    profile_post = await carol.post("on my profile")
    profile_comment = await alice.comment(profile_post["id"], "no sanctum here")
    no_moderator = await bob.call("DELETE", f"/api/comments/{profile_comment['id']}")

    assert unliked == {"target": "comment", "id": kept["id"], "like_count": 0, "liked_by_me": False}
    marker = thread[0]
    assert (marker["id"], marker["body"], marker["html"], marker["removed_by_moderator"]) == (rude["id"], "", "", True)
    assert marker["like_count"] == 0 and [r["id"] for r in marker["replies"]] == [reply["id"]]
    assert [(c["id"], c["removed_by_moderator"]) for c in thread[1:]] == [(kept["id"], False)]
    error_of(refused[0], 404, "COMMENT_NOT_FOUND")
    error_of(refused[1], 404, "COMMENT_NOT_FOUND")
    error_of(refused[2], 422, "VALIDATION_FAILED")
    assert [c["id"] for c in (await carol.comments(post["id"]))["items"]] == [kept["id"]]
    error_of(no_moderator, 403, "NOT_AUTHOR")


async def test_a_post_or_comment_retried_with_its_client_id_is_stored_once_even_when_the_retries_race(
    client: httpx.AsyncClient,
) -> None:
    alice, bob = await members(client, 2)

    posts = [await alice.call("POST", "/api/posts", json={"body": "once", "client_id": "p-1"}) for _ in range(2)]
    raced = await asyncio.gather(
        *(alice.call("POST", "/api/posts", json={"body": "raced", "client_id": "p-2"}) for _ in range(6))
    )
    other_author = await bob.call("POST", "/api/posts", json={"body": "mine", "client_id": "p-1"})
    post_id = posts[0].json()["id"]
    path = f"/api/posts/{post_id}/comments"
    comments = [await bob.call("POST", path, json={"body": "hi", "client_id": "c-1"}) for _ in range(2)]
    raced_comments = await asyncio.gather(
        *(bob.call("POST", path, json={"body": "raced", "client_id": "c-2"}) for _ in range(6))
    )

    assert [r.status_code for r in posts] == [201, 200]
    assert posts[1].json() == posts[0].json()
    assert sorted(r.status_code for r in raced) == [200] * 5 + [201]
    assert len({r.json()["id"] for r in raced}) == 1
    assert other_author.status_code == 201 and other_author.json()["id"] != post_id
    assert [r.status_code for r in comments] == [201, 200]
    assert comments[1].json()["id"] == comments[0].json()["id"]
    assert sorted(r.status_code for r in raced_comments) == [200] * 5 + [201]
    assert len({r.json()["id"] for r in raced_comments}) == 1
    profile = await alice.profile_posts(alice.username)
    assert [p["body"] for p in profile["items"]] == ["raced", "once"]
    assert [c["body"] for c in (await alice.comments(post_id))["items"]] == ["hi", "raced"]
    assert (await alice.get_post(post_id))["comment_count"] == 2
