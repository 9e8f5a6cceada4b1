"""Persistent events: logged, delivered in seq order, and replayed exactly once after a reconnect."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from websockets.exceptions import ConnectionClosed

from sanctum.core.events import make_event
from sanctum.db.eventlog import LoggedEvent, TopicCounter, append_event
from tests.integration.realtime.live import (
    LiveServer,
    ServerFactory,
    eventually,
    logged,
    publish,
    receive_seqs,
    sample,
)
from tests.support.events import kind, loose


async def log_many(server: LiveServer, topic: str, count: int) -> None:
    """Log events 1..count of a fresh topic in one statement each, as append_event would have."""
    events = [make_event(topic, "note.created", {"n": n}, seq=n) for n in range(1, count + 1)]
    now = datetime.now(UTC)
    async with server.gateway.db.writer_engine.begin() as connection:
        await connection.execute(insert(TopicCounter).values(topic=topic, last_seq=count))
        await connection.execute(
            insert(LoggedEvent),
            [{"topic": topic, "seq": e.seq, "type": e.type, "frame": e.frame, "created_at": now} for e in events],
        )


async def test_every_subscriber_receives_persistent_events_once_in_seq_order_as_logged(server: LiveServer) -> None:
    user = await server.register()
    topic = f"user:{user.id}"
    clients = [await server.connect(user) for _ in range(3)]
    for client in clients:
        assert (await client.subscribe(topic))["seq"] == 0
    sent = sample("ws_messages_sent_total", hub="notifications")

    await publish(server, topic, 1, 20)

    log = await logged(server, topic)
    assert [event["seq"] for event in log] == list(range(1, 21))
    assert log[0] == {"type": "note.created", "topic": topic, "seq": 1, "data": {"n": 1}}
    for client in clients:
        # Up to the last seq, any other frame (a duplicate, an event out of order) fails.
        assert await receive_seqs(client, topic, 20) == log
    assert sample("ws_messages_sent_total", hub="notifications") == sent + 3 * 20


async def test_ephemeral_events_carry_no_seq_and_only_persistent_ones_are_logged(server: LiveServer) -> None:
    user = await server.register()
    client = await server.connect(user)
    topic = f"user:{user.id}"
    unheld = f"user:{uuid.uuid4()}"
    await client.subscribe(topic)

    await server.gateway.publish_ephemeral(topic, kind("typing", persistent=False), loose({"who": "someone"}))
    event = await server.gateway.publish_persistent(unheld, kind("note.created"), loose({"n": 1}))

    assert await client.recv() == {"type": "typing", "topic": topic, "data": {"who": "someone"}}
    assert await logged(server, topic) == []
    # Nobody holds the other topic here: the event is logged all the same, for whoever resumes later.
    assert event.seq == 1
    assert await logged(server, unheld) == [{"type": "note.created", "topic": unheld, "seq": 1, "data": {"n": 1}}]
    assert set(server.gateway.topics.states) == {topic}


async def test_resume_with_since_gets_exactly_the_missed_events_then_live_ones(server: LiveServer) -> None:
    user = await server.register()
    topic = f"user:{user.id}"
    first = await server.connect(user)
    await first.subscribe(topic)
    seen: list[dict[str, Any]] = []

    async def read_until_dropped() -> None:
        with contextlib.suppress(ConnectionClosed, TimeoutError):
            while True:
                frame = await first.recv()
                seen.append(frame)
                if len(seen) == 7:
                    first.abort()  # mid-stream, with events still in flight
                    return

    reader = asyncio.create_task(read_until_dropped())
    await publish(server, topic, 1, 15)
    await reader
    await eventually(lambda: not server.has_connection(first))
    await publish(server, topic, 16, 20)  # published while nobody is connected
    last_seen = seen[-1]["seq"]

    second = await server.connect(user)
    ack = await second.subscribe(topic, since=last_seen)
    await publish(server, topic, 21, 25)
    live = await receive_seqs(second, topic, 25)

    assert [event["seq"] for event in seen] == list(range(1, last_seen + 1))
    assert ack["seq"] == 20
    assert [event["seq"] for event in ack["replayed"]] == list(range(last_seen + 1, 21))
    assert [event["seq"] for event in live] == list(range(21, 26))
    everything = seen + ack["replayed"] + live
    assert everything == await logged(server, topic)  # every event once, in order, as logged


async def test_resume_while_events_keep_coming_has_no_gap_and_no_duplicate(server: LiveServer) -> None:
    """Events published during the replay itself queue behind it and follow in order."""
    user = await server.register()
    topic = f"user:{user.id}"
    await publish(server, topic, 1, 10)
    client = await server.connect(user)

    publisher = asyncio.create_task(publish(server, topic, 11, 40))
    ack = await client.subscribe(topic, since=3)
    rest = await receive_seqs(client, topic, 40)
    await publisher

    seqs = [event["seq"] for event in ack["replayed"]] + [event["seq"] for event in rest]
    assert seqs == list(range(4, 41))
    assert ack["replayed"][0]["seq"] == 4 and ack["seq"] >= 10


async def test_event_that_skips_ahead_is_delivered_after_the_missing_ones_read_from_the_log(
    server: LiveServer,
) -> None:
    """An instance that commits an event and dies before publishing it leaves a hole in the broker's
    stream, never in the log: the next event of the topic brings the lost one back, in order."""
    user = await server.register()
    topic = f"user:{user.id}"
    client = await server.connect(user)
    await client.subscribe(topic)
    gap_fills = sample("realtime_gap_fills_total")
    async with server.gateway.db.writer_engine.begin() as connection:
        lost = await append_event(connection, topic, "note.created", {"n": 1})
        await append_event(connection, topic, "note.created", {"n": 2})
    async with server.gateway.db.writer_engine.begin() as connection:
        third = await append_event(connection, topic, "note.created", {"n": 3})

    await server.gateway.publish(third)  # seqs 1 and 2 were never published
    await server.gateway.publish(lost)  # and one of them turns up late
    await publish(server, topic, 4, 4)

    assert await receive_seqs(client, topic, 4) == await logged(server, topic)
    assert sample("realtime_gap_fills_total") == gap_fills + 2


async def test_since_at_or_after_the_latest_seq_replays_nothing(server: LiveServer) -> None:
    user = await server.register()
    topic = f"user:{user.id}"
    await publish(server, topic, 1, 3)
    client = await server.connect(user)

    current = await client.subscribe(topic, since=3)
    await client.send({"type": "unsubscribe", "topic": topic})
    await client.expect("unsubscribed")
    ahead = await client.subscribe(topic, since=99)

    assert (current["seq"], current["replayed"]) == (3, [])
    assert (ahead["seq"], ahead["replayed"]) == (3, [])


async def test_resume_replays_every_missed_event_up_to_the_configured_replay_limit(make_server: ServerFactory) -> None:
    server = await make_server(replay_limit=1100)
    user = await server.register()
    topic = f"user:{user.id}"
    await log_many(server, topic, 1050)
    client = await server.connect(user)

    ack = await client.subscribe(topic, since=0)

    assert ack["seq"] == 1050
    assert [event["seq"] for event in ack["replayed"]] == list(range(1, 1051))


async def test_since_too_far_behind_asks_for_a_resync_and_then_continues_live(make_server: ServerFactory) -> None:
    server = await make_server(replay_limit=10)
    user = await server.register()
    topic = f"user:{user.id}"
    await publish(server, topic, 1, 15)
    client = await server.connect(user)

    await client.send({"type": "subscribe", "topic": topic, "since": 2, "cid": "r"})
    resync = await client.recv()
    ack = await client.recv()
    await publish(server, topic, 16, 16)

    assert resync["type"] == "error" and resync["cid"] == "r"
    assert resync["error"]["code"] == "RESYNC_REQUIRED"
    assert resync["error"]["details"] == {"topic": topic, "seq": 15}
    assert ack == {"type": "subscribed", "topic": topic, "seq": 15, "cid": "r"}
    assert (await client.recv())["seq"] == 16
