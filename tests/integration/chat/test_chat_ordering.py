"""Ordering and gap-free delivery: concurrent senders, a subscriber that drops mid-stream and resumes,
and what it saw compared with the REST history."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from tests.integration.chat.chat_api import Person, people
from tests.support.live import LiveServer, ServerFactory, WsClient, eventually, logged, receive_seqs

SENDERS = 4
PER_SENDER = 15
DROP_AFTER = 20  # message.created events seen before the subscriber's connection drops


async def _read_until_dropped(client: WsClient, seen: list[dict[str, Any]]) -> None:
    with contextlib.suppress(ConnectionClosed):
        while sum(event["type"] == "message.created" for event in seen) < DROP_AFTER:
            seen.append(await client.recv())
        client.abort()  # mid-stream, with more events in flight


async def _send_many(sender: Person, room_id: str) -> list[int]:
    sent = []
    for n in range(PER_SENDER):
        sent.append((await sender.send(room_id, f"{sender.username} #{n}", client_id=f"{sender.id}:{n}"))["id"])
    return sent


async def _rest_history_since(reader: Person, room_id: str, after: int) -> list[int]:
    """Every top-level message after `after`, oldest first, paged the way a client catches up."""
    collected: list[int] = []
    while True:
        page = await reader.history(room_id, after=after, limit=25)
        collected.extend(reversed([m["id"] for m in page["items"]]))
        if not page["has_more"]:
            return collected
        after = page["items"][0]["id"]


async def _check_ordering(first: LiveServer, second: LiveServer) -> None:
    """Senders post through both instances' REST APIs while a watcher subscribed on `first` drops and
    resumes on `second`."""
    owner, watcher, *senders_a = await people(first.http, 2 + SENDERS // 2)
    senders_b = [Person(second.http, p.user) for p in await people(second.http, SENDERS - SENDERS // 2)]
    senders = senders_a + senders_b
    room = await owner.create_room("Firehose")
    for person in (watcher, *senders):
        await person.join(room["id"])
    topic = f"room:{room['id']}"
    baseline = (await owner.newest(room["id"]))[0]["id"]

    socket = await first.connect(watcher.user)
    ack = await socket.subscribe(topic)
    seen: list[dict[str, Any]] = []
    reader = asyncio.create_task(_read_until_dropped(socket, seen))
    sending = asyncio.gather(*(_send_many(sender, room["id"]) for sender in senders))
    async with asyncio.timeout(30):
        await reader

    async def more_was_missed() -> bool:
        return (await logged(first, topic))[-1]["seq"] >= seen[-1]["seq"] + 5

    await eventually(more_was_missed, within=30)
    resumed = await second.connect(watcher.user)
    resume_ack = await resumed.subscribe(topic, since=seen[-1]["seq"])
    async with asyncio.timeout(60):
        sent_by = await sending
    last = (await logged(first, topic))[-1]["seq"]
    after_resume = list(resume_ack["replayed"])
    if not after_resume or after_resume[-1]["seq"] < last:
        after_resume += await receive_seqs(resumed, topic, last)
    received = seen + after_resume

    assert resume_ack["replayed"], "the subscriber missed nothing while it was away"

    # Every event of the topic once, in seq order, with no gap: exactly the event log.
    assert [event["seq"] for event in received] == list(range(ack["seq"] + 1, last + 1))
    assert received == [event for event in await logged(second, topic) if event["seq"] > ack["seq"]]
    created = [event["data"]["id"] for event in received if event["type"] == "message.created"]
    # The same messages as the REST history, in the same order: seq order is commit order is id order.
    assert created == await _rest_history_since(watcher, room["id"], baseline)
    assert created == sorted(created) and len(set(created)) == SENDERS * PER_SENDER
    assert sorted(created) == sorted(i for ids in sent_by for i in ids)
    # Each sender's own messages appear in the order it sent them.
    for ids in sent_by:
        assert [i for i in created if i in set(ids)] == ids
    assert DROP_AFTER <= sum(e["type"] == "message.created" for e in seen) < SENDERS * PER_SENDER


async def test_concurrent_senders_and_a_resuming_subscriber_on_one_instance(server: LiveServer) -> None:
    await _check_ordering(server, server)


@pytest.mark.scaled_only
async def test_concurrent_senders_on_two_instances_and_a_subscriber_resuming_on_the_other(
    make_server: ServerFactory,
) -> None:
    first, second = await make_server(), await make_server()

    await _check_ordering(first, second)
