"""Every frame a real session receives is one the realtime contract (docs/realtime.schema.json) describes."""

from __future__ import annotations

from tests.contracts.test_realtime_contract import server_message_validator
from tests.integration.realtime.live import LiveServer, WsClient
from tests.integration.realtime.test_ws_announcements import an_admin
from tests.support.social_api import Member

# The event types the session below must produce, so a test that silently exercises less fails.
EXERCISED = {
    "message.created",
    "message.updated",
    "message.deleted",
    "reaction.added",
    "reaction.removed",
    "receipt.updated",
    "member.joined",
    "room.updated",
    "room.added",
    "typing",
    "presence",
    "notification.created",
    "notification.read",
    "post.updated",
    "comment.created",
    "comment.deleted",
    "like.updated",
    "game.joined",
    "game.moved",
    "game.move.ok",
    "announcement",
    "subscribed",
    "unsubscribed",
    "hello",
    "error",
    "pong",
}


async def drain(client: WsClient, quiet: float = 0.4) -> None:
    """Read what the socket receives until it has been quiet for `quiet` seconds (`client.received`)."""
    while True:
        try:
            await client.recv(quiet)
        except TimeoutError:
            return


async def test_every_frame_of_a_busy_session_matches_the_contract(server: LiveServer) -> None:
    alice, bob = Member(server.http, await server.register()), Member(server.http, await server.register())
    admin = await an_admin(server)
    a, b = await server.connect(alice.user), await server.connect(bob.user)
    room = await alice.create_room("contract", "public")
    await a.subscribe(f"room:{room['id']}")
    for socket, me in ((a, alice), (b, bob)):
        await socket.subscribe(f"user:{me.id}")
        await socket.subscribe("announcements")
    await b.subscribe(f"presence:{alice.id}")
    await bob.join(room["id"])
    await b.subscribe(f"room:{room['id']}")

    # Chat: a message mentioning bob, a thread reply, reactions, an edit, a deletion, typing, a DM receipt.
    sent = await alice.send(room["id"], f"hello @{bob.username}")
    reply = await bob.reply(room["id"], sent["id"], "hi")
    await bob.react(room["id"], sent["id"], "👍")
    await bob.unreact(room["id"], sent["id"], "👍")
    await alice.edit(room["id"], sent["id"], "hello again")
    await bob.delete(room["id"], reply["id"])
    await alice.update_room(room["id"], topic="contracts")
    await a.send({"type": "typing.start", "topic": f"room:{room['id']}"})
    dm = await alice.dm(bob)
    await b.subscribe(f"room:{dm['id']}")
    in_dm = await alice.send(dm["id"], "psst")
    await bob.mark_read(dm["id"], in_dm["id"])
    await server.app.state.services.jobs.settle()  # the mention's notification
    await bob.ok("POST", "/api/notifications/read-all")

    # Posts: a post watched live, a comment, a like, an edit, a deleted comment.
    post = await alice.post("a post")
    await b.subscribe(f"post:{post['id']}")
    comment = await bob.comment(post["id"], "nice")
    await bob.like(post["id"])
    await alice.ok("PATCH", f"/api/posts/{post['id']}", json={"body": "a post, edited"})
    await bob.ok("DELETE", f"/api/comments/{comment['id']}", 204)

    # A game against a bot, with a move over the socket; an announcement; errors; a ping.
    game = await alice.ok("POST", "/api/games/rooms", 201, json={"game": "connect_four", "vs_bot": True})
    await a.subscribe(f"game:{game['id']}", since=0)  # replays the seats taken before
    ack = await a.request({"type": "game.move", "topic": f"game:{game['id']}", "move": {"column": 3}})
    assert ack["type"] == "game.move.ok", ack
    sending = await server.connect(admin)
    await sending.send({"type": "announce", "topic": "announcements", "data": {"text": "hello all"}})
    await a.send({"type": "subscribe", "topic": "room:not-a-room"})
    await a.send({"type": "ping"})
    await a.send({"type": "unsubscribe", "topic": f"user:{alice.id}"})

    await drain(a)
    await drain(b)
    frames = [*a.received, *b.received]
    validator = server_message_validator()
    wrong = [(frame, [e.message for e in validator.iter_errors(frame)][:3]) for frame in frames]
    wrong = [(frame, errors) for frame, errors in wrong if errors]
    assert wrong == [], f"{len(wrong)} of {len(frames)} frames break the contract: {wrong[:3]}"
    assert EXERCISED - {f["type"] for f in frames} == set()
