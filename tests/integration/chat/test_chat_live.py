"""The chat hub over real sockets: room events with seq, subscription rules, typing, receipts, mentions."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.integration.chat.chat_api import people
from tests.support.live import LiveServer, ServerFactory, WsClient, logged, receive_seqs


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


def redacted(event: dict[str, Any], message_ids: set[int]) -> bool:
    """Does this logged event carry a message whose content was later edited or deleted?"""
    return event["type"] in ("message.created", "message.updated") and event["data"].get("id") in message_ids


async def everything_logged(
    server: LiveServer,
    client: WsClient,
    topic: str,
    after: int,
    changed: set[int] = frozenset(),  # type: ignore[assignment]
) -> list[dict[str, Any]]:
    """Read the topic's events from the socket up to the last one logged; they must be exactly the log,
    except that the log's frames of the `changed` messages (edited or deleted since) now carry their
    current content."""
    log = [event for event in await logged(server, topic) if event["seq"] > after]
    assert log, "nothing was logged"
    received = await receive_seqs(client, topic, log[-1]["seq"])
    assert [(e["seq"], e["type"]) for e in received] == [(e["seq"], e["type"]) for e in log]
    assert [e for e in received if not redacted(e, changed)] == [e for e in log if not redacted(e, changed)]
    return received


async def test_every_change_in_a_room_reaches_a_subscriber_in_order_with_increasing_seq(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    room = await alice.create_room("Live")
    topic = f"room:{room['id']}"
    ws = await server.connect(alice.user)
    ack = await ws.subscribe(topic)

    await bob.join(room["id"])
    sent = await bob.send(room["id"], "**hi**")
    await alice.react(room["id"], sent["id"], "👍")
    await alice.unreact(room["id"], sent["id"], "👍")
    await bob.edit(room["id"], sent["id"], "hi again")
    reply = await alice.reply(room["id"], sent["id"], "a reply")
    await bob.delete(room["id"], sent["id"])
    await alice.update_room(room["id"], name="Renamed")
    await bob.leave(room["id"])
    events = await everything_logged(server, ws, topic, ack["seq"], changed={sent["id"]})

    assert [event["seq"] for event in events] == list(range(ack["seq"] + 1, ack["seq"] + 1 + len(events)))
    assert all(event["topic"] == topic for event in events)
    assert types(events) == [
        "member.joined",
        "message.created",  # "bob joined the room"
        "message.created",
        "reaction.added",
        "reaction.removed",
        "message.updated",  # the edit
        "message.created",  # the reply
        "message.updated",  # the parent's reply count
        "message.deleted",
        "room.updated",
        "member.left",
        "message.created",  # "bob left the room"
    ]
    joined, join_line, created, added, removed, edited, replied, parent, deleted, renamed, left, leave_line = (
        event["data"] for event in events
    )
    assert joined == {"user_id": bob.id} and left == {"user_id": bob.id}
    assert (join_line["kind"], join_line["body"]) == ("system", f"{bob.username} joined the room")
    assert (leave_line["kind"], leave_line["body"]) == ("system", f"{bob.username} left the room")
    assert created["id"] == sent["id"] and created["html"] == "<p><strong>hi</strong></p>"
    assert added == {"message_id": sent["id"], "emoji": "👍", "user_id": alice.id, "count": 1}
    assert removed == {"message_id": sent["id"], "emoji": "👍", "user_id": alice.id, "count": 0}
    assert (edited["id"], edited["body"], edited["html"]) == (sent["id"], "hi again", "<p>hi again</p>")
    assert edited["edited_at"] is not None
    assert replied["id"] == reply["id"] and replied["parent_message_id"] == sent["id"]
    assert parent == {"id": sent["id"], "reply_count": 1, "last_reply_at": parent["last_reply_at"]}
    assert deleted == {
        "id": sent["id"],
        "room_id": room["id"],
        "parent_message_id": None,
        "removed_by_moderator": False,
    }
    assert renamed["name"] == "Renamed"


async def test_a_resumed_subscription_replays_what_was_missed(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    room = await alice.create_room("Resume")
    await bob.join(room["id"])
    topic = f"room:{room['id']}"
    first = await server.connect(bob.user)
    ack = await first.subscribe(topic)
    before = [await alice.send(room["id"], f"seen {n}") for n in range(2)]
    seen = await receive_seqs(first, topic, ack["seq"] + 2)
    await first.close()

    missed = [await alice.send(room["id"], f"missed {n}") for n in range(3)]
    await alice.react(room["id"], missed[0]["id"], "🎉")
    second = await server.connect(bob.user)
    resumed = await second.subscribe(topic, since=seen[-1]["seq"])

    assert [event["data"]["id"] for event in seen] == [m["id"] for m in before]
    assert types(resumed["replayed"]) == ["message.created"] * 3 + ["reaction.added"]
    assert [event["data"]["id"] for event in resumed["replayed"][:3]] == [m["id"] for m in missed]
    assert resumed["seq"] == seen[-1]["seq"] + 4
    assert seen + resumed["replayed"] == [e for e in await logged(server, topic) if e["seq"] > ack["seq"]]


async def test_only_members_may_subscribe_to_a_room(server: LiveServer) -> None:
    alice, bob, eve = await people(server.http, 3)
    private = await alice.create_room("Private", kind="private")
    group = await alice.create_room("Group", kind="group", member_ids=[bob.id])
    public = await alice.create_room("Public")
    dm = await alice.dm(bob)
    ws = await server.connect(eve.user)

    refused = {
        name: await ws.request({"type": "subscribe", "topic": f"room:{room['id']}"})
        for name, room in [("private", private), ("group", group), ("dm", dm), ("public", public)]
    }
    refused["since"] = await ws.request({"type": "subscribe", "topic": f"room:{private['id']}", "since": 0})
    refused["unknown"] = await ws.request({"type": "subscribe", "topic": "room:7a0f4b5e-0000-4000-8000-000000000000"})
    refused["malformed"] = await ws.request({"type": "subscribe", "topic": "room:not-a-room"})
    await eve.join(public["id"])
    after_joining = await ws.subscribe(f"room:{public['id']}")
    bobs = await server.connect(bob.user)
    await alice.invite(private["id"], bob.id)
    await alice.invite(group["id"], bob.id)
    subscribed = [await bobs.subscribe(f"room:{room['id']}") for room in (private, group, dm)]
    sent = await alice.send(private["id"], "secret")
    delivered = await bobs.expect("message.created")
    await ws.send({"type": "ping"})
    next_for_eve = await ws.recv()

    assert {name: (reply["type"], reply["error"]["code"]) for name, reply in refused.items()} == {
        name: ("error", "FORBIDDEN") for name in refused
    }
    assert after_joining["type"] == "subscribed"
    assert [ack["type"] for ack in subscribed] == ["subscribed"] * 3
    assert delivered["data"]["id"] == sent["id"]
    assert next_for_eve == {"type": "pong"}  # the message reached bob, and nothing of it reached eve


async def test_typing_is_relayed_to_other_subscribers_throttled_and_never_logged(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    room = await alice.create_room("Typing")
    await bob.join(room["id"])
    topic = f"room:{room['id']}"
    typist, watcher = await server.connect(alice.user), await server.connect(bob.user)
    await typist.subscribe(topic)
    await watcher.subscribe(topic)
    log_before = await logged(server, topic)
    outsider = await server.connect((await people(server.http, 1))[0].user)
    not_subscribed = await outsider.request({"type": "typing.start", "topic": topic})

    started = time.monotonic()
    await typist.send({"type": "typing.start", "topic": topic})
    await typist.send({"type": "typing.start", "topic": topic})  # within 400 ms: not relayed
    first = await watcher.expect("typing")
    relayed_by = time.monotonic()  # the server relayed the first one before this
    with pytest.raises(TimeoutError):
        await watcher.expect("typing", within=max(0.05, 0.35 - (time.monotonic() - started)))
    await asyncio.sleep(max(0.0, 0.45 - (time.monotonic() - relayed_by)))
    await typist.send({"type": "typing.start", "topic": topic})  # 400 ms after the last relay: relayed again
    second = await watcher.expect("typing")
    await typist.send({"type": "typing.stop", "topic": topic})
    stopped = await watcher.expect("typing")

    assert first == {
        "type": "typing",
        "topic": topic,
        "data": {"user_id": alice.id, "username": alice.username, "display_name": alice.username, "state": "start"},
    }
    assert "seq" not in first and second["data"]["state"] == "start"
    assert stopped["data"]["state"] == "stop" and stopped["data"]["user_id"] == alice.id
    assert await logged(server, topic) == log_before
    assert not_subscribed["type"] == "error" and not_subscribed["error"]["code"] == "NOT_SUBSCRIBED"


async def test_dm_receipts_delivered_over_the_socket_and_read_over_rest(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    dm = await alice.dm(bob)
    topic = f"room:{dm['id']}"
    sender, recipient = await server.connect(alice.user), await server.connect(bob.user)
    await sender.subscribe(topic)
    await recipient.subscribe(topic)
    sent = await alice.send(dm["id"], "did you get this?")
    assert (await recipient.expect("message.created"))["data"]["id"] == sent["id"]

    await recipient.send({"type": "receipt.delivered", "topic": topic, "message_id": sent["id"]})
    delivered = await sender.expect("receipt.updated")
    delivered_state = (await alice.room(dm["id"]))["receipts"]
    await bob.mark_read(dm["id"], sent["id"])
    read = await sender.expect("receipt.updated")
    bad = await recipient.request({"type": "receipt.delivered", "topic": topic, "message_id": "x"})

    assert delivered["data"] == {"user_id": bob.id, "last_delivered_message_id": sent["id"], "last_read_message_id": 0}
    assert delivered_state == [delivered["data"]]
    assert read["data"] == {
        "user_id": bob.id,
        "last_delivered_message_id": sent["id"],
        "last_read_message_id": sent["id"],
    }
    assert read["seq"] == delivered["seq"] + 1
    assert (await alice.room(dm["id"]))["receipts"] == [read["data"]]
    assert (await bob.room(dm["id"]))["receipts"][0]["user_id"] == alice.id
    assert bad["type"] == "error" and bad["error"]["code"] == "BAD_MESSAGE"


async def test_a_repeated_delivery_receipt_changes_nothing_and_only_dms_have_receipts(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    dm = await alice.dm(bob)
    topic = f"room:{dm['id']}"
    recipient = await server.connect(bob.user)
    await recipient.subscribe(topic)
    first, second = await alice.send(dm["id"], "one"), await alice.send(dm["id"], "two")

    for message_id in (second["id"], second["id"], first["id"]):
        await recipient.send({"type": "receipt.delivered", "topic": topic, "message_id": message_id})
    await recipient.send({"type": "ping"})
    await recipient.expect("pong")  # frames are handled in order: the receipts above have been handled

    receipts = [e for e in await logged(server, topic) if e["type"] == "receipt.updated"]
    assert [e["data"]["last_delivered_message_id"] for e in receipts] == [second["id"]]
    assert (await alice.room(dm["id"]))["receipts"][0]["last_delivered_message_id"] == second["id"]

    # Outside DMs there are no receipts at all.
    group = await alice.create_room("Not a DM", kind="group", member_ids=[bob.id])
    group_topic = f"room:{group['id']}"
    await recipient.subscribe(group_topic)
    in_group = await alice.send(group["id"], "hello")
    await recipient.send({"type": "receipt.delivered", "topic": group_topic, "message_id": in_group["id"]})
    await bob.mark_read(group["id"], in_group["id"])
    await recipient.send({"type": "ping"})
    await recipient.expect("pong")

    assert "receipt.updated" not in types(await logged(server, group_topic))
    assert (await alice.room(group["id"]))["receipts"] == []


async def test_the_user_topic_tells_about_mentions_and_rooms_someone_else_added_you_to(server: LiveServer) -> None:
    alice, bob, carol = await people(server.http, 3)
    ws = await server.connect(bob.user)
    ack = await ws.subscribe(f"user:{bob.id}")
    room = await alice.create_room("Private", kind="private")

    await alice.invite(room["id"], bob.id)
    sent = await alice.send(room["id"], f"ping @{bob.username} and @{carol.username}")
    dm = await alice.dm(bob)
    own = await bob.create_room("Bob's own")  # not news to bob himself
    await alice.send(room["id"], f"again @{bob.username}")
    events = await receive_seqs(ws, f"user:{bob.id}", ack["seq"] + 4)

    # Room events are logged by the requests; mentions by background jobs, so they interleave freely.
    assert [(e["type"], e["data"]) for e in events if e["type"] == "room.added"] == [
        ("room.added", {"room_id": room["id"]}),
        ("room.added", {"room_id": dm["id"]}),
    ]
    mentions = [e["data"]["notification"] for e in events if e["type"] == "notification.created"]
    assert [(m["kind"], m["actor"]["username"], m["data"]["room_id"]) for m in mentions] == [
        ("mention", alice.username, room["id"])
    ] * 2
    assert str(sent["id"]) in {m["data"]["message_id"] for m in mentions}
    assert own["id"] not in str(await logged(server, f"user:{bob.id}"))
    assert await logged(server, f"user:{carol.id}") == []  # carol cannot see the room: no mention


async def test_a_room_added_event_finds_the_room_already_in_a_fresh_list(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    assert await bob.my_rooms() == []  # cached, empty: what the event must not leave behind
    ws = await server.connect(bob.user)
    ack = await ws.subscribe(f"user:{bob.id}")

    dm = await alice.dm(bob)
    [event] = await receive_seqs(ws, f"user:{bob.id}", ack["seq"] + 1)

    assert (event["type"], event["data"]) == ("room.added", {"room_id": dm["id"]})
    assert [entry["room"]["id"] for entry in await bob.my_rooms()] == [dm["id"]]


async def test_leaving_a_room_tells_the_leavers_other_sockets_on_their_own_topic(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    room = await alice.create_room("Drop-in")
    await bob.join(room["id"])
    ws = await server.connect(bob.user)
    ack = await ws.subscribe(f"user:{bob.id}")

    await bob.leave(room["id"])
    [event] = await receive_seqs(ws, f"user:{bob.id}", ack["seq"] + 1)

    assert (event["type"], event["data"]) == ("room.removed", {"room_id": room["id"]})
    assert [e["type"] for e in await logged(server, f"user:{alice.id}")] == []


async def test_a_retried_send_publishes_no_second_event(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    room = await alice.create_room("Retries")
    await bob.join(room["id"])
    topic = f"room:{room['id']}"
    ws = await server.connect(bob.user)
    ack = await ws.subscribe(topic)

    first = await alice.send(room["id"], "once", client_id="retry-1")
    await alice.send(room["id"], "once", status=200, client_id="retry-1")
    after = await alice.send(room["id"], "next")
    events = await everything_logged(server, ws, topic, ack["seq"])

    assert [(e["type"], e["data"]["id"]) for e in events] == [
        ("message.created", first["id"]),
        ("message.created", after["id"]),
    ]


async def test_a_resume_never_replays_the_text_of_a_deleted_or_edited_message(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    room = await alice.create_room("Redaction")
    await bob.join(room["id"])
    topic = f"room:{room['id']}"
    ws = await server.connect(bob.user)
    ack = await ws.subscribe(topic)
    await ws.close()

    doomed = await alice.send(room["id"], "my password is hunter2")
    await alice.edit(room["id"], doomed["id"], "oops, also hunter2")
    kept = await alice.send(room["id"], "first draft")
    await alice.edit(room["id"], kept["id"], "final words")
    await alice.delete(room["id"], doomed["id"])
    again = await server.connect(bob.user)
    resumed = await again.subscribe(topic, since=ack["seq"])
    replayed = resumed["replayed"]

    edits = ["message.created", "message.updated"]
    assert types(replayed) == [*edits, *edits, "message.deleted"]
    assert "hunter2" not in str(replayed) and "first draft" not in str(replayed)
    assert "hunter2" not in str(await logged(server, topic))
    created, updated = replayed[0]["data"], replayed[1]["data"]
    assert (created["id"], created["deleted"], created["body"], created["html"]) == (doomed["id"], True, "", "")
    assert (updated["id"], updated["deleted"], updated["body"]) == (doomed["id"], True, "")
    assert [(e["data"]["body"], e["data"]["edited_at"] is not None) for e in replayed[2:4]] == [
        ("final words", True),
        ("final words", True),
    ]
    assert [e["seq"] for e in replayed] == list(range(ack["seq"] + 1, ack["seq"] + 6))


async def test_leaving_a_room_stops_its_events_on_the_leavers_open_sockets(server: LiveServer) -> None:
    alice, bob = await people(server.http, 2)
    room = await alice.create_room("Hush", kind="private")
    await alice.invite(room["id"], bob.id)
    topic = f"room:{room['id']}"
    bobs = [await server.connect(bob.user) for _ in range(2)]
    for ws in bobs:
        await ws.subscribe(topic)
    alices = await server.connect(alice.user)
    await alices.subscribe(topic)

    await bob.leave(room["id"])
    frames = [await ws.expect("unsubscribed") for ws in bobs]
    sent = await alice.send(room["id"], "after bob left")
    await alices.expect("message.created")
    for ws in bobs:
        await ws.send({"type": "ping"})
    after = [await ws.recv() for ws in bobs]
    retry = await bobs[0].request({"type": "subscribe", "topic": topic})

    assert frames == [{"type": "unsubscribed", "topic": topic, "reason": "revoked"}] * 2
    assert after == [{"type": "pong"}] * 2, f"{sent['id']} reached a socket of someone who left"
    assert (retry["type"], retry["error"]["code"]) == ("error", "FORBIDDEN")


@pytest.mark.scaled_only
async def test_leaving_through_one_instance_stops_the_room_on_sockets_held_by_another(
    make_server: ServerFactory,
) -> None:
    a, b = await make_server(), await make_server()
    alice, bob = await people(a.http, 2)
    room = await alice.create_room("Across", kind="private")
    await alice.invite(room["id"], bob.id)
    topic = f"room:{room['id']}"
    on_b = await b.connect(bob.user)
    await on_b.subscribe(topic)
    watcher = await b.connect(alice.user)
    await watcher.subscribe(topic)

    await bob.leave(room["id"])  # through instance a
    revoked = await on_b.expect("unsubscribed")
    await alice.send(room["id"], "only for alice now")
    await watcher.expect("message.created")
    await on_b.send({"type": "ping"})

    assert revoked == {"type": "unsubscribed", "topic": topic, "reason": "revoked"}
    assert await on_b.recv() == {"type": "pong"}
