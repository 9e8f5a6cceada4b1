"""Hypothesis-generated frames against a live socket: whatever arrives, the handler answers with error
envelopes (or a valid reply) and the socket keeps working."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.realtime.live import LiveServer, ServerFactory, WsClient

# What a random frame may get back: an error, or the reply of the valid message it happens to be.
HARMLESS_REPLIES = {"error", "pong", "subscribed", "unsubscribed", "presence"}
KNOWN_TYPES = [
    *("subscribe", "unsubscribe", "ping", "pong", "announce", "typing.start", "typing.stop", "receipt.delivered"),
    "game.move",
    *("presence", "hello", "subscribed", "error"),
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
# <me> becomes the client's own user id: topics it may subscribe to, and odd spellings of them.
topics = st.sampled_from(
    [
        *("user:<me>", "presence:<me>", "user:<ME>", "user:urn:uuid:<me>", "user:{<me>}", "user:<me>\x00"),
        *("user:", "presence:", "user:00000000-0000-0000-0000-000000000000", "announcements"),
        *("room:1", "room:", "room:<me>", "room:00000000-0000-0000-0000-000000000000", "room:urn:uuid:<me>"),
        *("game:", "game:<me>", "game:00000000-0000-0000-0000-000000000000", "game:urn:uuid:<me>"),
    ]
)
# Objects shaped like messages reach further into the handler than arbitrary JSON does: well-formed
# ones get past parsing into subscriptions and hub handlers, loosely formed ones probe the checks.
well_formed = st.fixed_dictionaries(
    {"type": st.sampled_from(KNOWN_TYPES), "topic": topics},
    optional={
        "since": st.integers(min_value=-2, max_value=2**63 - 1),
        "cid": st.text(max_size=10) | st.integers(-(2**63), 2**63 - 1),
        "data": json_values,
        "persist": st.booleans(),
        "message_id": st.integers() | json_values,
        "move": json_values,
    },
)
loosely_formed = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(KNOWN_TYPES) | json_values,
        "topic": topics | json_values,
        "since": st.integers() | json_values,
        "cid": st.text(max_size=80) | st.integers() | json_values,
    },
)
frames = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300),
    json_values.map(json.dumps),
    loosely_formed.map(json.dumps),
    well_formed.map(json.dumps),
    well_formed.map(lambda value: json.dumps(value).encode()),
)
_probes = itertools.count(1)


@pytest.fixture
async def hostile_server(make_server: ServerFactory) -> LiveServer:
    """One server for every example; rate limits and strikes out of the way, so each example starts
    from the same state and only a broken handler can close the socket. Frames over 256 bytes are
    too large, so some generated ones take that path too."""
    return await make_server(
        messages_per_second=1e9, message_burst=1_000_000, max_strikes=1_000_000, max_frame_bytes=256
    )


@pytest.fixture
async def hostile_client(hostile_server: LiveServer) -> WsClient:
    return await hostile_server.connect(await hostile_server.register())


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(frames, min_size=1, max_size=3))
async def test_hostile_frames_never_break_the_connection_handler(
    hostile_server: LiveServer, hostile_client: WsClient, batch: list[str | bytes]
) -> None:
    client = hostile_client
    me = client.hello["user_id"]
    for frame in batch:
        if isinstance(frame, str):
            frame = frame.replace("<me>", me).replace("<ME>", me.upper())
        else:
            frame = frame.replace(b"<me>", me.encode()).replace(b"<ME>", me.upper().encode())
        await client.send_raw(frame)
    probe = f"probe-{next(_probes)}"
    await client.send({"type": "ping"})
    # A reply that carries the probe's cid marks the end of this example's replies.
    await client.send({"type": "unsubscribe", "topic": "probe", "cid": probe})

    replies: list[dict[str, Any]] = []
    while True:
        reply = await client.recv()
        if reply.get("cid") == probe:
            break
        replies.append(reply)

    assert {reply["type"] for reply in replies} <= HARMLESS_REPLIES, (batch, replies)
    assert {"type": "pong"} in replies
    for reply in replies:
        if reply["type"] == "error":
            assert reply["error"]["code"] != "INTERNAL_ERROR", (batch, reply)
    assert hostile_server.has_connection(client)
