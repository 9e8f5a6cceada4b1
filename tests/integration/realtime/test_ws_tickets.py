"""Opening a socket: a ticket from POST /api/ws/ticket is the only credential accepted in the URL."""

from __future__ import annotations

import asyncio
import secrets

import pytest

from sanctum.realtime.protocol import CloseCode
from tests.integration.realtime.live import LiveServer, ServerFactory, sample
from tests.support.http import error_of

TOKEN_REFUSED = "access tokens are not accepted in URLs; use a ticket"


async def test_ticket_from_the_endpoint_opens_a_socket_for_its_user(server: LiveServer) -> None:
    user = await server.register()
    accepted = sample("ws_connections_total", outcome="accepted")

    response = await server.http.post("/api/ws/ticket", headers=user.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    client = await server.open(f"ticket={body['ticket']}")
    hello = await client.recv()

    assert set(body) == {"ticket", "expires_in"}
    assert body["expires_in"] == 30
    assert len(body["ticket"]) >= 32 and user.access_token not in body["ticket"]
    assert hello["type"] == "hello" and hello["user_id"] == user.id
    assert hello["heartbeat"] == {"interval": 30.0, "timeout": 10.0}
    assert hello["connection_id"] in server.gateway.endpoint.connections
    assert sample("ws_connections_total", outcome="accepted") == accepted + 1


async def test_ticket_endpoint_without_a_valid_bearer_token_is_401_envelope(server: LiveServer) -> None:
    missing = await server.http.post("/api/ws/ticket")
    forged = await server.http.post("/api/ws/ticket", headers={"Authorization": "Bearer not-a-token"})

    error_of(missing, 401, "UNAUTHORIZED")
    error_of(forged, 401, "INVALID_TOKEN")


async def test_ticket_is_single_use(server: LiveServer) -> None:
    user = await server.register()
    ticket = await server.ticket(user)
    first = await server.open(f"ticket={ticket}")
    assert (await first.recv())["type"] == "hello"
    bad = sample("ws_connections_total", outcome="bad_ticket")

    second = await server.open(f"ticket={ticket}")

    code, reason = await second.closed()
    assert code == CloseCode.BAD_TICKET
    assert reason == "the ticket is invalid, expired or already used"
    assert sample("ws_connections_total", outcome="bad_ticket") == bad + 1
    # The refusal does not touch the socket the ticket opened.
    assert (await first.request({"type": "unsubscribe", "topic": "user:x"}))["error"]["code"] == "NOT_SUBSCRIBED"


async def test_expired_ticket_is_refused(make_server: ServerFactory) -> None:
    server = await make_server(ticket_ttl_seconds=1)
    user = await server.register()
    ticket = await server.ticket(user)

    await asyncio.sleep(1.2)
    client = await server.open(f"ticket={ticket}")

    assert await client.closed() == (CloseCode.BAD_TICKET, "the ticket is invalid, expired or already used")


async def test_forged_or_missing_ticket_is_refused(server: LiveServer) -> None:
    invalid = "the ticket is invalid, expired or already used"
    required = "a ticket from POST /api/ws/ticket is required"
    cases = {
        f"ticket={secrets.token_urlsafe(32)}": invalid,
        "ticket=": required,
        "": required,
        "other=1": required,
        "ticket=" + "a" * 200: required,
    }
    bad = sample("ws_connections_total", outcome="bad_ticket")

    for query, reason in cases.items():
        client = await server.open(query)
        assert await client.closed() == (CloseCode.BAD_TICKET, reason), query

    assert sample("ws_connections_total", outcome="bad_ticket") == bad + len(cases)
    assert server.gateway.endpoint.connections == {}


async def test_access_token_in_the_url_is_refused_even_next_to_a_valid_ticket(server: LiveServer) -> None:
    user = await server.register()
    before = sample("ws_connections_total", outcome="token_in_url")
    queries = [f"{param}={user.access_token}" for param in ("ticket", "token", "access_token", "jwt")]
    queries.append(f"ticket={await server.ticket(user)}&token={user.access_token}")

    for query in queries:
        client = await server.open(query)
        assert await client.closed() == (CloseCode.BAD_TICKET, TOKEN_REFUSED), query

    assert sample("ws_connections_total", outcome="token_in_url") == before + len(queries)
    assert server.gateway.endpoint.connections == {}


@pytest.mark.scaled_only
async def test_ticket_issued_on_one_instance_works_on_another_exactly_once(make_server: ServerFactory) -> None:
    a, b = await make_server(), await make_server()
    user = await a.register()
    ticket = await a.ticket(user)

    on_b = await b.open(f"ticket={ticket}")
    hello = await on_b.recv()
    again_on_b = await b.open(f"ticket={ticket}")
    again_on_a = await a.open(f"ticket={ticket}")

    assert hello["type"] == "hello" and hello["user_id"] == user.id
    assert (await again_on_b.closed())[0] == CloseCode.BAD_TICKET
    assert (await again_on_a.closed())[0] == CloseCode.BAD_TICKET
    assert hello["connection_id"] in b.gateway.endpoint.connections
    assert a.gateway.endpoint.connections == {}
