"""Client messages: subscriptions, error envelopes for bad input, and abuse that never reaches other clients."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time

import pytest
from websockets.exceptions import ConnectionClosed

from sanctum.realtime.protocol import CloseCode
from tests.integration.realtime.live import LiveServer, ServerFactory, WsClient, eventually, sample
from tests.support.events import kind, loose

FORBIDDEN = {"code": "FORBIDDEN", "message": "You may not subscribe to this topic."}


async def connected(server: LiveServer) -> tuple[WsClient, str]:
    user = await server.register()
    return await server.connect(user), user.id


async def error_code(client: WsClient, message: object) -> str:
    """Send a raw frame (anything but a dict is sent as is) and return the code of the error it gets."""
    if isinstance(message, dict):
        await client.send(message)
    else:
        assert isinstance(message, str | bytes)
        await client.send_raw(message)
    frame = await client.expect("error")
    code: str = frame["error"]["code"]
    return code


async def still_usable(client: WsClient) -> None:
    await client.send({"type": "ping"})
    assert await client.expect("pong") == {"type": "pong"}


# -- subscriptions ---------------------------------------------------------------------------------


async def test_subscribe_to_own_user_topic_is_acknowledged_with_seq_and_cid(server: LiveServer) -> None:
    client, user_id = await connected(server)
    received = sample("ws_messages_received_total", hub="gateway")

    await client.send({"type": "subscribe", "topic": f"user:{user_id}", "cid": "sub-1"})
    ack = await client.recv()
    await client.send({"type": "subscribe", "topic": f"user:{user_id}", "cid": 7})
    again = await client.recv()

    assert ack == {"type": "subscribed", "topic": f"user:{user_id}", "seq": 0, "cid": "sub-1"}
    assert again == {"type": "subscribed", "topic": f"user:{user_id}", "seq": 0, "cid": "7"}  # numeric cids too
    assert server.gateway.is_subscribed(client.connection_id, f"user:{user_id}")
    assert server.gateway.topics.states[f"user:{user_id}"].hub == "notifications"
    assert sample("ws_messages_received_total", hub="gateway") == received + 2


async def test_subscribe_to_a_topic_you_may_not_see_is_forbidden_whether_or_not_it_exists(server: LiveServer) -> None:
    client, _ = await connected(server)
    other = await server.register()
    other_client = await server.connect(other)
    await other_client.subscribe(f"user:{other.id}")  # the topic exists and is live
    topics = [f"user:{other.id}", "user:not-a-uuid", "room:42", "nonsense", f"presence:{other.id}x"]

    replies = [await client.request({"type": "subscribe", "topic": topic, "cid": "x1"}) for topic in topics]

    # One answer for all of them: nothing tells an existing topic from a made-up one.
    assert replies == [{"type": "error", "cid": "x1", "error": FORBIDDEN}] * len(topics)
    assert set(server.gateway.topics.states) == {f"user:{other.id}"}
    assert server.gateway.endpoint.connections[client.connection_id].topics == {}
    await server.gateway.publish_persistent(f"user:{other.id}", kind("secret"), loose({"for": other.id}))
    assert (await other_client.expect("secret"))["data"] == {"for": other.id}
    await client.send({"type": "ping"})
    assert await client.recv() == {"type": "pong"}  # the event did not leak to this socket


async def test_presence_subscribe_gets_the_current_status_at_once(server: LiveServer) -> None:
    client, _ = await connected(server)
    online, offline = await server.register(), await server.register()
    await server.connect(online)

    await client.subscribe(f"presence:{online.id}")
    assert (await client.expect("presence"))["data"] == {"user_id": online.id, "status": "online"}
    await client.subscribe(f"presence:{offline.id}")
    assert (await client.expect("presence"))["data"] == {"user_id": offline.id, "status": "offline"}


async def test_unsubscribe_is_acknowledged_and_stops_delivery(server: LiveServer) -> None:
    client, user_id = await connected(server)
    topic = f"user:{user_id}"
    not_held = await client.request({"type": "unsubscribe", "topic": topic})
    await client.subscribe(topic)

    reply = await client.request({"type": "unsubscribe", "topic": topic, "cid": "u1"})

    assert not_held["type"] == "error" and not_held["error"]["code"] == "NOT_SUBSCRIBED"
    assert reply == {"type": "unsubscribed", "topic": topic, "cid": "u1"}
    await eventually(lambda: topic not in server.gateway.topics.states)
    await server.gateway.publish_persistent(topic, kind("note"), loose({"n": 1}))
    await client.send({"type": "ping"})
    assert await client.recv() == {"type": "pong"}  # and no event before it
    assert not server.gateway.is_subscribed(client.connection_id, topic)


async def test_resubscribe_right_after_unsubscribe_keeps_receiving_events(server: LiveServer) -> None:
    """A UI that unmounts and remounts a view sends both frames back to back (React StrictMode does it
    on every mount): the broker subscription dropped for the unsubscribe must not outlive the resubscribe."""
    client, user_id = await connected(server)
    topic = f"user:{user_id}"
    await client.subscribe(topic)

    await client.send({"type": "unsubscribe", "topic": topic})
    await client.send({"type": "subscribe", "topic": topic, "cid": "again"})
    await client.expect("subscribed", cid="again")
    # Let the gateway's deferred work (the broker unsubscribe of the first frame) run to its end.
    await eventually(lambda: not server.gateway._tasks)
    await server.gateway.publish_persistent(topic, kind("note"), loose({"n": 1}))

    event = await client.expect("note", within=2.0)
    assert event["seq"] == 1


async def test_subscriptions_per_socket_are_limited(make_server: ServerFactory) -> None:
    server = await make_server(max_subscriptions=2)
    client, _ = await connected(server)
    a, b, c = await server.register(), await server.register(), await server.register()
    await client.subscribe(f"presence:{a.id}")
    await client.subscribe(f"presence:{b.id}")

    reply = await client.request({"type": "subscribe", "topic": f"presence:{c.id}"})

    assert reply["error"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    # Subscribing again to a topic already held is not a new subscription.
    assert (await client.subscribe(f"presence:{a.id}"))["type"] == "subscribed"
    assert set(server.gateway.endpoint.connections[client.connection_id].topics) == {
        f"presence:{a.id}",
        f"presence:{b.id}",
    }


# -- malformed input -------------------------------------------------------------------------------


BAD_FRAMES: list[tuple[str | bytes, str]] = [
    ("{not json", "BAD_JSON"),
    ("", "BAD_JSON"),
    (b"\xff\xfe", "BAD_JSON"),
    ('{"type": "ping"', "BAD_JSON"),
    ("[1, 2]", "BAD_MESSAGE"),
    ('"subscribe"', "BAD_MESSAGE"),
    ("null", "BAD_MESSAGE"),
    ("42", "BAD_MESSAGE"),
    ("{}", "BAD_MESSAGE"),
    ('{"type": 5}', "BAD_MESSAGE"),
    ('{"type": ""}', "BAD_MESSAGE"),
    ('{"type": "subscribe", "topic": 5}', "BAD_MESSAGE"),
    ('{"type": "subscribe"}', "BAD_MESSAGE"),
    ('{"type": "ping", "cid": true}', "BAD_MESSAGE"),
    ('{"type": "ping", "cid": "' + "c" * 65 + '"}', "BAD_MESSAGE"),
    ('{"type": "launch.missiles"}', "UNKNOWN_TYPE"),
]


async def test_bad_frames_get_an_error_envelope_with_a_stable_code_and_the_socket_stays_open(
    make_server: ServerFactory,
) -> None:
    server = await make_server(max_strikes=100)  # this test sends more bad frames than the default allows
    client, user_id = await connected(server)
    bad_since = [-1, "3", 1.5, True, [1], {"seq": 1}]

    codes = [await error_code(client, frame) for frame, _ in BAD_FRAMES]
    since_codes = [
        await error_code(client, {"type": "subscribe", "topic": f"user:{user_id}", "since": since})
        for since in bad_since
    ]
    unknown = await client.request({"type": "launch.missiles", "cid": "m1"})
    await client.send_raw(b'{"type": "ping"}')  # binary frames are read like text ones

    assert codes == [code for _, code in BAD_FRAMES]
    assert since_codes == ["BAD_MESSAGE"] * len(bad_since)
    assert server.gateway.topics.states == {}
    assert unknown == {
        "type": "error",
        "cid": "m1",
        "error": {"code": "UNKNOWN_TYPE", "message": "Unknown message type 'launch.missiles'."},
    }
    assert await client.recv() == {"type": "pong"}
    assert server.has_connection(client)


async def test_frame_over_max_frame_bytes_is_frame_too_large_and_the_socket_stays_usable(
    make_server: ServerFactory,
) -> None:
    server = await make_server(max_frame_bytes=1024)
    client, user_id = await connected(server)

    await client.send({"type": "subscribe", "topic": f"user:{user_id}", "pad": "x" * 2000})
    reply = await client.expect("error")

    assert reply["error"]["code"] == "FRAME_TOO_LARGE"
    assert reply["error"]["details"] == {"limit_bytes": 1024}
    assert server.gateway.topics.states == {}
    assert (await client.subscribe(f"user:{user_id}"))["type"] == "subscribed"


async def test_frame_over_the_transport_limit_closes_only_that_socket(server: LiveServer) -> None:
    client, _ = await connected(server)
    bystander, _ = await connected(server)

    await client.send_raw("x" * (server.settings.realtime.max_frame_bytes * 4 + 1024 * 1024))

    code, _ = await client.closed()
    assert code == 1009
    await eventually(lambda: not server.has_connection(client))
    await still_usable(bystander)


# -- abuse -----------------------------------------------------------------------------------------


async def test_garbage_sender_is_rate_limited_then_closed_without_slowing_other_clients(
    make_server: ServerFactory,
) -> None:
    server = await make_server(messages_per_second=0.2, message_burst=3, max_strikes=6)
    abuser, _ = await connected(server)
    victim, victim_id = await connected(server)
    topic = f"user:{victim_id}"
    await victim.subscribe(topic)
    codes: list[str] = []
    latencies: list[float] = []

    async def keep_the_victim_busy() -> None:
        for n in itertools.count(1):
            started = time.monotonic()
            await server.gateway.publish_persistent(topic, kind("note"), loose({"n": n}))
            assert (await victim.expect("note"))["seq"] == n
            latencies.append(time.monotonic() - started)
            await asyncio.sleep(0.005)

    stream = asyncio.create_task(keep_the_victim_busy())
    try:
        await eventually(lambda: latencies)
        with pytest.raises(ConnectionClosed):
            for _ in range(50):
                await abuser.send_raw("{garbage")
                codes.append((await abuser.expect("error", within=2.0))["error"]["code"])
        await eventually(lambda: not server.has_connection(abuser))
        seen = len(latencies)
        await eventually(lambda: len(latencies) >= seen + 5)
    finally:
        stream.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stream

    assert codes == ["BAD_JSON"] * 3 + ["RATE_LIMITED"] * 3  # the seventh strike is over max_strikes
    assert abuser.ws.protocol.close_rcvd is not None
    assert (abuser.ws.protocol.close_rcvd.code, abuser.ws.protocol.close_rcvd.reason) == (
        CloseCode.POLICY,
        "too many invalid messages",
    )
    assert max(latencies) < 0.5, latencies
    await still_usable(victim)
    assert server.gateway.is_subscribed(victim.connection_id, topic)


async def test_fast_valid_messages_are_rate_limited_without_closing_a_well_behaved_burst(
    make_server: ServerFactory,
) -> None:
    server = await make_server(messages_per_second=0.1, message_burst=5, max_strikes=100)
    client, _ = await connected(server)

    for _ in range(8):
        await client.send({"type": "ping"})
    replies = [(await client.recv())["type"] for _ in range(8)]

    assert replies.count("pong") == 5
    assert replies.count("error") == 3
    assert server.has_connection(client)
