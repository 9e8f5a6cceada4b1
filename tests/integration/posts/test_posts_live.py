"""Live counters on `post:{id}`: comments, likes and edits reach everyone watching the post, in order."""

from __future__ import annotations

from tests.support.live import LiveServer, logged, receive_seqs
from tests.support.social_api import members


async def test_watchers_of_a_post_see_comments_likes_and_edits_with_the_new_counts(server: LiveServer) -> None:
    alice, bob = await members(server.http, 2)
    sanctum = await alice.create_sanctum()
    await bob.join_sanctum(sanctum["slug"])
    post = await alice.post("watch me", sanctum)
    topic = f"post:{post['id']}"
    ws = await server.connect(alice.user)
    ack = await ws.subscribe(topic)

    comment = await bob.comment(post["id"], "**nice**")
    await bob.like(post["id"])
    await bob.like(post["id"])  # a repeated like changes nothing and says nothing
    await alice.like_comment(comment["id"])
    reply = await alice.comment(post["id"], "thanks", parent_id=comment["id"])
    await alice.edit_post(post["id"], "watch me, edited")
    await bob.unlike(post["id"])
    await alice.delete_comment(reply["id"])
    log = [e for e in await logged(server, topic) if e["seq"] > ack["seq"]]
    received = await receive_seqs(ws, topic, log[-1]["seq"])

    # What was sent live is what was logged, except the deleted reply, whose logged frame was rewritten.
    assert [(e["seq"], e["type"]) for e in received] == [(e["seq"], e["type"]) for e in log]
    assert [e for n, e in enumerate(received) if n != 3] == [e for n, e in enumerate(log) if n != 3]
    assert [e["type"] for e in received] == [
        "comment.created",
        "like.updated",
        "like.updated",
        "comment.created",
        "post.updated",
        "like.updated",
        "comment.deleted",
    ]
    created, liked, comment_liked, replied, edited, unliked, deleted = (e["data"] for e in received)
    assert created["comment"]["id"] == comment["id"] and created["comment"]["html"] == "<p><strong>nice</strong></p>"
    assert created["comment_count"] == 1 and replied["comment_count"] == 2
    assert (liked["target"], liked["id"], liked["like_count"], liked["liked"]) == ("post", post["id"], 1, True)
    assert (comment_liked["target"], comment_liked["id"], comment_liked["like_count"]) == ("comment", comment["id"], 1)
    assert replied["comment"]["parent_id"] == comment["id"]
    assert edited["body"] == "watch me, edited"
    assert (unliked["like_count"], unliked["liked"]) == (0, False)
    assert deleted == {"id": reply["id"], "parent_id": comment["id"], "comment_count": 1, "removed_by_moderator": False}
    # A resume never replays removed text.
    resumed = await (await server.connect(alice.user)).subscribe(topic, since=ack["seq"])
    assert resumed["replayed"][3]["data"] == log[3]["data"] == {"id": reply["id"], "deleted": True}


async def test_only_people_who_may_see_a_post_may_watch_it(server: LiveServer) -> None:
    alice, eve = await members(server.http, 2)
    private = await alice.create_sanctum(visibility="private")
    hidden = await alice.post("members only", private)
    public = await alice.post("on my profile")
    ws = await server.connect(eve.user)

    refused = await ws.request({"type": "subscribe", "topic": f"post:{hidden['id']}"})
    odd = await ws.request({"type": "subscribe", "topic": f"post:0{public['id']}"})
    allowed = await ws.subscribe(f"post:{public['id']}")

    assert refused["type"] == "error" and refused["error"]["code"] == "FORBIDDEN"
    assert odd["type"] == "error"
    assert allowed["type"] == "subscribed"
