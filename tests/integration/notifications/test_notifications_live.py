"""Notifications pushed live on `user:{id}` as persistent events, and replayed on resume."""

from __future__ import annotations

import uuid

from tests.integration.chat.chat_api import people
from tests.support.live import LiveServer, logged


async def test_a_mention_reaches_the_mentioned_users_socket_and_read_state_follows(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    ws = await server.connect(bob.user)
    ack = await ws.subscribe(f"user:{bob.id}")
    room = await alice.create_room("Live mentions")
    await bob.join(room["id"])

    sent = await alice.send(room["id"], f"look @{bob.username}")
    created = await ws.expect("notification.created", topic=f"user:{bob.id}")

    assert created["seq"] > ack["seq"]
    notification = created["data"]["notification"]
    assert notification["kind"] == "mention" and notification["actor"]["username"] == alice.username
    assert notification["data"]["message_id"] == str(sent["id"]) and created["data"]["unread"] == 1

    await bob.ok("POST", f"/api/notifications/{notification['id']}/read")
    read = await ws.expect("notification.read", topic=f"user:{bob.id}")
    assert read["seq"] == created["seq"] + 1
    assert read["data"] == {"ids": [notification["id"]], "unread": 0}


async def test_a_new_liker_pushes_the_updated_notification_and_a_resume_replays_it(server: LiveServer) -> None:
    alice, bob, carol = await people(server.http, 3)
    notifier = server.app.state.services.notifier
    post = uuid.uuid4()
    ws = await server.connect(bob.user)
    ack = await ws.subscribe(f"user:{bob.id}")

    await notifier.like(owner=uuid.UUID(bob.id), by=uuid.UUID(alice.id), target="post", target_id=post, post_id=post)
    first = await ws.expect("notification.created")
    await ws.close()
    await notifier.like(owner=uuid.UUID(bob.id), by=uuid.UUID(carol.id), target="post", target_id=post, post_id=post)
    await server.app.state.services.jobs.settle()

    again = await server.connect(bob.user)
    resumed = await again.subscribe(f"user:{bob.id}", since=first["seq"])
    [updated] = resumed["replayed"]
    assert updated["type"] == "notification.updated" and updated["seq"] == first["seq"] + 1
    assert updated["data"]["notification"]["id"] == first["data"]["notification"]["id"]
    assert updated["data"]["notification"]["actor_count"] == 2
    assert updated["data"]["notification"]["text"].endswith("and 1 other liked your post")
    assert [e["type"] for e in await logged(server, f"user:{bob.id}")] == [
        "notification.created",
        "notification.updated",
    ]
    assert ack["seq"] == 0
