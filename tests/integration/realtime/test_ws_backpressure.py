"""Backpressure: a socket that stops reading loses its place, not anybody else's latency."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from typing import Any

from websockets.exceptions import ConnectionClosed

from sanctum.realtime.protocol import CloseCode
from tests.conftest import LogReader
from tests.integration.realtime.live import ServerFactory, WsClient, events_named, eventually, sample
from tests.support.events import kind, loose

# Large enough that a stalled reader fills the kernel buffers quickly, small enough for one frame.
PAYLOAD = 48_000
# uvicorn's sans-I/O server (what `sanctum serve` runs) bounds the transport's unsent bytes; any other
# server a queue of frames. Both small.
SMALL_BUFFERS: dict[str, Any] = {"send_queue_size": 8, "send_buffer_bytes": 16_384}


async def read_forever(client: WsClient, into: list[dict[str, Any]]) -> None:
    with contextlib.suppress(ConnectionClosed):
        while True:
            into.append(await client.recv(within=30.0))


def payload() -> str:
    return os.urandom(PAYLOAD // 2).hex()  # incompressible, whatever the extensions


async def test_client_that_stops_reading_is_disconnected_with_4408_and_others_keep_their_latency(
    make_server: ServerFactory, json_logs: LogReader
) -> None:
    server = await make_server(**SMALL_BUFFERS)
    user = await server.register()
    topic = f"user:{user.id}"
    # The same user's two tabs on one topic.
    fast = await server.connect(user)
    slow = await server.connect(user)
    await fast.subscribe(topic)
    await slow.subscribe(topic)
    slow_conn = server.gateway.endpoint.connections[slow.connection_id]
    drops = sample("ws_backpressure_drops_total", hub="notifications", reason="slow_consumer")

    slow.ws.transport.pause_reading()  # the tab froze: nothing is read any more
    latencies: list[float] = []
    seq = 0
    while not slow_conn.closing and seq < 400:
        started = time.monotonic()
        event = await server.gateway.publish_persistent(topic, kind("blob"), loose({"body": payload()}))
        seq = event.seq or 0
        assert (await fast.expect("blob"))["seq"] == seq
        latencies.append(time.monotonic() - started)

    assert slow_conn.closing, f"{seq} events of {PAYLOAD} bytes did not fill the slow socket's buffers"
    assert slow_conn.close_code == CloseCode.SLOW_OR_SILENT
    assert sample("ws_backpressure_drops_total", hub="notifications", reason="slow_consumer") == drops + 1
    # The fast tab keeps getting every event promptly after the slow one was cut off.
    for _ in range(5):
        started = time.monotonic()
        event = await server.gateway.publish_persistent(topic, kind("blob"), loose({"body": "small"}))
        assert (await fast.expect("blob"))["seq"] == event.seq
        latencies.append(time.monotonic() - started)
    assert max(latencies) < 0.5, latencies
    # A peer that stopped reading never reads the close frame either: the server drops it and cleans up.
    await eventually(lambda: not server.has_connection(slow), within=10.0)
    [line] = [
        line for line in events_named(json_logs, "ws_disconnected") if line["connection_id"] == slow.connection_id
    ]
    assert line["cause"] == "slow_or_silent"
    assert line["close_code"] == CloseCode.SLOW_OR_SILENT
    assert line["user_id"] == user.id
    assert server.gateway.topics.states[topic].subscribers == {server.gateway.endpoint.connections[fast.connection_id]}


async def test_ephemeral_events_to_a_stalled_client_are_dropped_and_counted_without_disconnecting(
    make_server: ServerFactory,
) -> None:
    server = await make_server(**SMALL_BUFFERS)
    user = await server.register()
    topic = f"user:{user.id}"
    client = await server.connect(user)
    await client.subscribe(topic)
    conn = server.gateway.endpoint.connections[client.connection_id]
    queue_full = sample("ws_backpressure_drops_total", hub="notifications", reason="queue_full")
    slow_consumer = sample("ws_backpressure_drops_total", hub="notifications", reason="slow_consumer")

    client.ws.transport.pause_reading()
    published = 0
    while sample("ws_backpressure_drops_total", hub="notifications", reason="queue_full") < queue_full + 10:
        await server.gateway.publish_ephemeral(topic, kind("typing", persistent=False), loose({"body": payload()}))
        published += 1
        assert published < 400, "the stalled socket never filled up"

    assert not conn.closing
    assert server.has_connection(client)
    assert sample("ws_backpressure_drops_total", hub="notifications", reason="slow_consumer") == slow_consumer
    # Once the client reads again it gets what was not dropped, and the socket works as before.
    received: list[dict[str, Any]] = []
    reader = asyncio.create_task(read_forever(client, received))
    client.ws.transport.resume_reading()
    try:
        await eventually(lambda: conn.backlog() == 0, within=10.0)
        event = await server.gateway.publish_persistent(topic, kind("note.created"), loose({"n": 1}))
        await eventually(lambda: received and received[-1]["type"] == "note.created")
    finally:
        reader.cancel()
    assert received[-1]["seq"] == event.seq
    assert 0 < len(received) - 1 < published  # some typing events arrived, the dropped ones did not
    assert {frame["type"] for frame in received[:-1]} == {"typing"}
    assert not conn.closing
