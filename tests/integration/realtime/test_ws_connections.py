"""Socket lifecycle: the per-user connection limit, the heartbeat and cleanup after every kind of disconnect."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from websockets.exceptions import ConnectionClosed

from sanctum.realtime.protocol import CloseCode
from tests.conftest import LogReader
from tests.factories import RegisteredUser
from tests.integration.realtime.live import LiveServer, ServerFactory, WsClient, events_named, eventually, sample


async def sockets_of(server: LiveServer, user: RegisteredUser) -> int:
    return await server.gateway.registry.count(uuid.UUID(user.id))


async def has_sockets(server: LiveServer, user: RegisteredUser, count: int) -> bool:
    return await sockets_of(server, user) == count


async def refused_over_limit(server: LiveServer, user: RegisteredUser) -> None:
    client = await server.open(f"ticket={await server.ticket(user)}")
    assert await client.closed() == (CloseCode.TOO_MANY_CONNECTIONS, "too many connections for this user")


# -- the connection limit --------------------------------------------------------------------------


async def test_socket_over_the_per_user_limit_is_refused_with_4429_and_a_log_line(
    make_server: ServerFactory, json_logs: LogReader
) -> None:
    server = await make_server(max_connections_per_user=3)
    user, other = await server.register(), await server.register()
    for _ in range(3):
        await server.connect(user)
    over_limit = sample("ws_connections_total", outcome="over_limit")

    await refused_over_limit(server, user)

    assert sample("ws_connections_total", outcome="over_limit") == over_limit + 1
    [line] = events_named(json_logs, "ws_connection_limit")
    assert line["user_id"] == user.id
    assert line["limit"] == 3
    assert line["level"] == "warning"
    assert line["connection_id"]
    assert await sockets_of(server, user) == 3
    # The limit is per user: someone else still gets in.
    assert (await server.connect(other)).hello["user_id"] == other.id


async def test_closing_a_socket_frees_its_place_under_the_limit(make_server: ServerFactory) -> None:
    server = await make_server(max_connections_per_user=3)
    user = await server.register()
    clients = [await server.connect(user) for _ in range(3)]
    await refused_over_limit(server, user)

    await clients[0].close()
    # The server cleans up after the close handshake, asynchronously.
    await eventually(lambda: has_sockets(server, user, 2))
    assert not server.has_connection(clients[0])

    replacement = await server.connect(user)
    assert server.has_connection(replacement)
    assert await sockets_of(server, user) == 3
    await refused_over_limit(server, user)


@pytest.mark.scaled_only
async def test_connection_limit_counts_sockets_on_every_instance(make_server: ServerFactory) -> None:
    a = await make_server(max_connections_per_user=3)
    b = await make_server(max_connections_per_user=3)
    user = await a.register()
    on_a = [await a.connect(user), await a.connect(user)]
    on_b = await b.connect(user)

    await refused_over_limit(a, user)
    await refused_over_limit(b, user)

    assert await sockets_of(a, user) == await sockets_of(b, user) == 3
    await on_b.close()
    await eventually(lambda: has_sockets(a, user, 2))

    replacement = await a.connect(user)
    assert a.has_connection(replacement) and all(a.has_connection(client) for client in on_a)
    await refused_over_limit(b, user)


# -- heartbeat -------------------------------------------------------------------------------------


async def test_client_that_never_answers_pings_is_closed_with_4408(make_server: ServerFactory) -> None:
    server = await make_server(heartbeat_interval_seconds=0.3, heartbeat_timeout_seconds=0.3)
    client = await server.connect(await server.register())
    assert client.hello["heartbeat"] == {"interval": 0.3, "timeout": 0.3}

    assert await client.recv(within=2.0) == {"type": "ping"}
    code, reason = await client.closed(within=3.0)

    assert (code, reason) == (CloseCode.SLOW_OR_SILENT, "heartbeat timeout")
    await eventually(lambda: not server.has_connection(client))


async def answer_pings(client: WsClient, pings: list[float]) -> None:
    with contextlib.suppress(ConnectionClosed):
        while True:
            frame = await client.recv(within=30.0)
            if frame["type"] == "ping":
                pings.append(asyncio.get_running_loop().time())
                await client.send({"type": "pong"})


async def test_client_that_answers_pings_stays_open_over_several_intervals(make_server: ServerFactory) -> None:
    server = await make_server(heartbeat_interval_seconds=0.3, heartbeat_timeout_seconds=0.3)
    client = await server.connect(await server.register())
    pings: list[float] = []
    responder = asyncio.create_task(answer_pings(client, pings))

    try:
        await eventually(lambda: len(pings) >= 4, within=5.0)
    finally:
        responder.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await responder

    assert server.has_connection(client)
    assert not server.gateway.endpoint.connections[client.connection_id].closing
    assert client.ws.close_code is None
    await client.send({"type": "ping"})
    assert await client.expect("pong")


# -- cleanup ---------------------------------------------------------------------------------------


async def test_abrupt_disconnect_forgets_the_socket_its_topics_and_its_count(server: LiveServer) -> None:
    user = await server.register()
    active = sample("ws_active_connections", hub="gateway")
    active_notifications = sample("ws_active_connections", hub="notifications")
    client = await server.connect(user)
    await client.subscribe(f"user:{user.id}")
    await client.subscribe(f"presence:{user.id}")
    assert set(server.gateway.topics.states) == {f"user:{user.id}", f"presence:{user.id}"}
    assert sample("ws_active_connections", hub="gateway") == active + 1
    assert sample("ws_active_connections", hub="notifications") == active_notifications + 1

    client.abort()

    await eventually(lambda: not server.has_connection(client))
    await eventually(lambda: server.gateway.topics.states == {})
    await eventually(lambda: has_sockets(server, user, 0))  # the count is released after the socket is gone
    assert sample("ws_active_connections", hub="gateway") == active
    assert sample("ws_active_connections", hub="notifications") == active_notifications


async def test_abrupt_disconnect_of_the_last_socket_tells_presence_watchers_offline(server: LiveServer) -> None:
    user, watcher = await server.register(), await server.register()
    watching = await server.connect(watcher)
    ack = await watching.subscribe(f"presence:{user.id}")
    assert ack["seq"] == 0
    snapshot = await watching.expect("presence")
    assert snapshot["data"] == {"user_id": user.id, "status": "offline"}
    client = await server.connect(user)
    online = await watching.expect("presence")
    assert online == {
        "type": "presence",
        "topic": f"presence:{user.id}",
        "data": {"user_id": user.id, "status": "online"},
    }
    await client.subscribe(f"user:{user.id}")

    client.abort()

    offline = await watching.expect("presence")
    assert offline["data"] == {"user_id": user.id, "status": "offline"}
    await eventually(lambda: not server.has_connection(client))
    # Only the watcher's own topic is left; it goes too when the watcher leaves.
    assert set(server.gateway.topics.states) == {f"presence:{user.id}"}
    assert server.gateway.topics.states[f"presence:{user.id}"].subscribers == {
        server.gateway.endpoint.connections[watching.connection_id]
    }
    assert await sockets_of(server, user) == 0
    await watching.close()
    await eventually(lambda: server.gateway.topics.states == {} and server.gateway.endpoint.connections == {})


async def test_clean_close_logs_the_disconnect_with_its_cause(server: LiveServer, json_logs: LogReader) -> None:
    user = await server.register()
    client = await server.connect(user)

    await client.close()

    await eventually(lambda: events_named(json_logs, "ws_disconnected"))
    [line] = events_named(json_logs, "ws_disconnected")
    assert line["user_id"] == user.id
    assert line["connection_id"] == client.connection_id
    assert line["cause"] == "client_closed:1000"
    [connected] = events_named(json_logs, "ws_connected")
    assert connected["connection_id"] == client.connection_id and connected["user_id"] == user.id


async def test_server_shutdown_closes_sockets_so_clients_reconnect_and_logs_the_cause(
    make_server: ServerFactory, json_logs: LogReader
) -> None:
    server = await make_server()
    user = await server.register()
    client = await server.connect(user)
    await client.subscribe(f"user:{user.id}")

    await server.stop(drop_clients=False)

    code, _ = await client.closed()
    # uvicorn closes sockets itself (1012, service restart) before the app's shutdown would (1001).
    assert code in (1012, CloseCode.GOING_AWAY)
    assert server.gateway.endpoint.connections == {}
    assert server.gateway.topics.states == {}
    [line] = events_named(json_logs, "ws_disconnected")
    assert (line["connection_id"], line["cause"]) == (client.connection_id, "server_shutdown")
