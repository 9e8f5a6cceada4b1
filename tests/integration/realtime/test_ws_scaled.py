"""Two app instances on one database and one Redis: fanout across instances, and Redis restarts."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis
from websockets.asyncio.client import ClientConnection, connect

from sanctum.realtime.protocol import CloseCode
from sanctum.settings import RealtimeSettings
from tests.conftest import ScaledServers, SettingsFactory
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
from tests.support.http import error_of
from tests.support.processes import SANCTUM

pytestmark = pytest.mark.scaled_only

CHANNEL_PREFIX = "sanctum:rt:"


async def subscribers_on_redis(redis_url: str, topic: str) -> int:
    async with aioredis.Redis.from_url(redis_url) as client:
        [(_, count)] = await client.pubsub_numsub(CHANNEL_PREFIX + topic)
    return int(count)


async def two_instances(make_server: ServerFactory, **realtime: Any) -> tuple[LiveServer, LiveServer]:
    return await make_server(**realtime), await make_server(**realtime)


async def test_event_published_on_one_instance_reaches_subscribers_on_both_exactly_once(
    make_server: ServerFactory,
) -> None:
    a, b = await two_instances(make_server)
    user = await a.register()
    topic = f"user:{user.id}"
    on_a, on_b = await a.connect(user), await b.connect(user)
    await on_a.subscribe(topic)
    await on_b.subscribe(topic)

    await publish(a, topic, 1, 10)
    await publish(b, topic, 11, 20)  # and the other way round

    log = await logged(a, topic)
    assert [event["seq"] for event in log] == list(range(1, 21))
    # Every event once and in order; a duplicate or a reordering would show before seq 20.
    assert await receive_seqs(on_a, topic, 20) == log
    assert await receive_seqs(on_b, topic, 20) == log


async def test_presence_crosses_instances(make_server: ServerFactory) -> None:
    a, b = await two_instances(make_server)
    user, watcher = await a.register(), await a.register()
    watching = await b.connect(watcher)
    await watching.subscribe(f"presence:{user.id}")
    assert (await watching.expect("presence"))["data"]["status"] == "offline"

    first = await a.connect(user)
    assert (await watching.expect("presence"))["data"] == {"user_id": user.id, "status": "online"}
    second = await b.connect(user)  # another tab: already online, nothing to announce
    await second.close()
    await eventually(lambda: not b.has_connection(second))
    first.abort()

    # The next presence frame is the offline of the last socket, not one for the closed extra tab.
    assert (await watching.expect("presence"))["data"] == {"user_id": user.id, "status": "offline"}


async def test_an_instance_holds_broker_subscriptions_only_for_its_own_sockets_topics(
    make_server: ServerFactory, redis_url: str
) -> None:
    a, b = await two_instances(make_server)
    user = await a.register()
    topic = f"user:{user.id}"
    client = await a.connect(user)
    await b.connect(user)  # connected to B, but not subscribed there

    await client.subscribe(topic)
    await eventually(lambda: subscribers_on_redis(redis_url, topic))
    assert await subscribers_on_redis(redis_url, topic) == 1
    assert topic not in b.gateway.topics.states

    await client.send({"type": "unsubscribe", "topic": topic})
    await eventually(lambda: topic not in a.gateway.topics.states)
    await eventually(lambda: _no_subscribers(redis_url, topic))


async def _no_subscribers(redis_url: str, topic: str) -> bool:
    return await subscribers_on_redis(redis_url, topic) == 0


async def test_redis_restart_mid_stream_loses_nothing_and_needs_no_app_restart(
    make_server: ServerFactory, scaled_servers: ScaledServers
) -> None:
    a, b = await two_instances(make_server)
    user = await a.register()
    topic = f"user:{user.id}"
    on_a, on_b = await a.connect(user), await b.connect(user)
    resumer = await b.connect(user)
    for client in (on_a, on_b, resumer):
        await client.subscribe(topic)
    await publish(a, topic, 1, 3)
    for client in (on_a, on_b, resumer):
        assert [event["seq"] for event in await receive_seqs(client, topic, 3)] == [1, 2, 3]
    gap_fills = sample("realtime_gap_fills_total")
    received_on_b: list[dict[str, Any]] = []
    ticket_before_outage = await b.ticket(user)

    async with scaled_servers.stopped(scaled_servers.redis):
        await eventually(lambda: not a.gateway.broker.connected and not b.gateway.broker.connected)  # type: ignore[attr-defined]
        started = time.monotonic()
        await publish(a, topic, 4, 6)
        publish_seconds = time.monotonic() - started
        # A delivers to its own sockets at once, without the broker.
        assert [event["seq"] for event in await receive_seqs(on_a, topic, 6)] == [4, 5, 6]
        # The resumer drops off while Redis is down, having seen up to seq 3.
        resumer.abort()
        await eventually(lambda: not b.has_connection(resumer), within=15.0)
        # B cannot hear of events published on A until Redis is back.
        await on_b.send({"type": "ping"})
        received_on_b.append(await on_b.recv())
        # Tickets live in Redis: none can be issued or checked, and clients are told to come back later.
        refused_ticket = await a.http.post("/api/ws/ticket", headers=user.headers)
        unchecked = await b.open(f"ticket={ticket_before_outage}")
        assert await unchecked.closed() == (1013, "try again later")
    assert received_on_b == [{"type": "pong"}]
    error_of(refused_ticket, 503, "SERVICE_UNAVAILABLE")
    assert publish_seconds < 1.0, f"publishing 3 events with Redis down took {publish_seconds:.1f} s"

    # Both instances resubscribe by themselves; B fills its gap from the event log.
    await eventually(lambda: a.gateway.broker.connected and b.gateway.broker.connected, within=10.0)  # type: ignore[attr-defined]
    assert [event["seq"] for event in await receive_seqs(on_b, topic, 6)] == [4, 5, 6]
    assert sample("realtime_gap_fills_total") >= gap_fills + 3
    # New events are live again on both instances.
    await publish(a, topic, 7, 9)
    assert [event["seq"] for event in await receive_seqs(on_a, topic, 9)] == [7, 8, 9]
    assert [event["seq"] for event in await receive_seqs(on_b, topic, 9)] == [7, 8, 9]
    # The resumer reconnects and gets exactly what it missed, then live events.
    again = await b.connect(user)
    ack = await again.subscribe(topic, since=3)
    await publish(b, topic, 10, 10)
    live = await receive_seqs(again, topic, 10)
    log = await logged(a, topic)
    assert ack["replayed"] + live == log[3:]
    assert [event["seq"] for event in ack["replayed"]] == [4, 5, 6, 7, 8, 9]


async def test_continuous_stream_from_both_instances_survives_a_redis_restart_in_order(
    make_server: ServerFactory, scaled_servers: ScaledServers
) -> None:
    a, b = await two_instances(make_server)
    user = await a.register()
    topic = f"user:{user.id}"
    on_a, on_b = await a.connect(user), await b.connect(user)
    await on_a.subscribe(topic)
    await on_b.subscribe(topic)
    published: list[int] = []
    running = asyncio.Event()
    running.set()

    async def keep_publishing() -> None:
        instances = itertools.cycle((a, b))
        while running.is_set():
            event = await next(instances).gateway.publish_persistent(topic, kind("tick"), loose({"n": len(published)}))
            published.append(event.seq or 0)
            await asyncio.sleep(0.01)

    publisher = asyncio.create_task(keep_publishing())
    try:
        await eventually(lambda: len(published) >= 10)
        async with scaled_servers.stopped(scaled_servers.redis):
            await eventually(lambda: not a.gateway.broker.connected)  # type: ignore[attr-defined]
            mark = len(published)
            await eventually(lambda: len(published) >= mark + 10)
        await eventually(lambda: a.gateway.broker.connected and b.gateway.broker.connected, within=10.0)  # type: ignore[attr-defined]
        mark = len(published)
        await eventually(lambda: len(published) >= mark + 10)
    finally:
        running.clear()
        await publisher

    last = published[-1]
    log = await logged(a, topic)
    assert [event["seq"] for event in log] == list(range(1, last + 1)) == sorted(published)
    assert await receive_seqs(on_a, topic, last) == log
    assert await receive_seqs(on_b, topic, last) == log


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_sockets_of_a_crashed_instance_stop_counting_and_their_user_goes_offline_when_leases_expire(
    make_server: ServerFactory, make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings(realtime=RealtimeSettings(max_connections_per_user=2, lease_seconds=1))
    survivor = await make_server(settings)
    user, friend = await survivor.register(), await survivor.register()
    watching = await survivor.connect(friend)
    await watching.subscribe(f"presence:{user.id}")
    assert (await watching.expect("presence"))["data"]["status"] == "offline"
    port = free_port()
    env = {
        "APP_ENV": "test",
        "SECRET_KEY": settings.secret_key.get_secret_value(),
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url or "",
        "LOG_FORMAT": "json",
        "REALTIME__MAX_CONNECTIONS_PER_USER": "2",
        "REALTIME__LEASE_SECONDS": "1",
    }
    environment = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    # An instance in its own process, so it can die without cleaning up.
    doomed = await asyncio.create_subprocess_exec(
        str(SANCTUM),
        *("serve", "--host", "127.0.0.1", "--port", str(port)),
        cwd=tmp_path,
        env={**environment, **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        sockets = []
        for _ in range(2):
            ticket = await survivor.ticket(user)  # tickets live in Redis: any instance takes them
            sockets.append(await _open_when_up(f"ws://127.0.0.1:{port}/api/ws?ticket={ticket}"))
        assert await survivor.gateway.registry.count(uuid.UUID(user.id)) == 2
        assert (await watching.expect("presence"))["data"] == {"user_id": user.id, "status": "online"}
        refused = await survivor.open(f"ticket={await survivor.ticket(user)}")
        assert (await refused.closed())[0] == CloseCode.TOO_MANY_CONNECTIONS

        doomed.send_signal(signal.SIGKILL)  # no cleanup, no close frames: the instance is just gone
        async with asyncio.timeout(10.0):
            await doomed.wait()

        await eventually(lambda: _counted(survivor, user.id, 0), within=5.0)
        # Nobody closed those sockets, yet the watcher hears that the user went offline, once.
        assert (await watching.expect("presence", within=5.0))["data"] == {"user_id": user.id, "status": "offline"}
        assert (await survivor.connect(user)).hello["user_id"] == user.id
        assert (await watching.expect("presence"))["data"] == {"user_id": user.id, "status": "online"}
    finally:
        if doomed.returncode is None:
            doomed.kill()
            async with asyncio.timeout(10.0):
                await doomed.wait()


async def _counted(server: LiveServer, user_id: str, count: int) -> bool:
    return await server.gateway.registry.count(uuid.UUID(user_id)) == count


async def _open_when_up(url: str) -> ClientConnection:
    """Connect to a server that is still starting."""
    deadline = time.monotonic() + 20.0
    while True:
        try:
            ws = await connect(url, proxy=None, open_timeout=5.0)
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)
            continue
        async with asyncio.timeout(5.0):
            hello = orjson.loads(await ws.recv())
        assert hello["type"] == "hello", hello
        return ws
