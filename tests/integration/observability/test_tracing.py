"""Tracing end to end: a chat send is one trace from the request, through the service's use case, its
statements and its publish, to the sockets of every instance.

The process is traced into an in-memory exporter (as `OTEL_TRACES_EXPORTER=otlp` traces into a
collector). Scaled: two instances share PostgreSQL and Redis, and a subscriber on each receives the
message. Embedded: one instance, the in-process broker, SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from sanctum.observability.tracing import start_tracing, stop_tracing
from tests.integration.chat.chat_api import people
from tests.integration.games.games_api import gamer
from tests.support.live import LiveServer, ServerFactory, eventually
from tests.support.social_api import members


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    start_tracing(spans)
    try:
        yield spans
    finally:
        stop_tracing()


def in_trace(exporter: InMemorySpanExporter, trace_id: int) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.context is not None and s.context.trace_id == trace_id]


def named(spans: list[ReadableSpan], name: str) -> list[ReadableSpan]:
    return [s for s in spans if s.name == name]


def attr(span: ReadableSpan, key: str) -> Any:
    return (span.attributes or {}).get(key)


def statements_in(spans: list[ReadableSpan], verb: str) -> list[ReadableSpan]:
    """The database statements (either engine) among `spans` whose SQL starts with `verb`."""
    return [
        s
        for s in spans
        if (attr(s, "db.system") or attr(s, "db.system.name")) in ("postgresql", "sqlite")
        and (s.name.upper().startswith(verb) or str(attr(s, "db.statement") or "").upper().startswith(verb))
    ]


def under(span: ReadableSpan, ancestor: ReadableSpan, spans: list[ReadableSpan]) -> bool:
    """Whether `ancestor` is `span`'s parent, or its parent's, and so on (within `spans`)."""
    by_id = {s.context.span_id: s for s in spans if s.context is not None}
    assert ancestor.context is not None
    parent = span.parent
    while parent is not None:
        if parent.span_id == ancestor.context.span_id:
            return True
        above = by_id.get(parent.span_id)
        parent = above.parent if above is not None else None
    return False


@pytest.mark.scaled_only
async def test_a_chat_send_is_one_trace_from_the_request_to_the_delivery_on_both_instances(
    exporter: InMemorySpanExporter, make_server: ServerFactory
) -> None:
    a, b = await make_server(), await make_server()
    alice, bob = await people(a.http, 2)
    room = await alice.create_room("Traced")
    await bob.join(room["id"])
    topic = f"room:{room['id']}"
    on_a, on_b = await a.connect(alice.user), await b.connect(bob.user)
    await on_a.subscribe(topic)
    await on_b.subscribe(topic)
    # The socket path is not wrapped by the HTTP instrumentation: frames still go straight to the transport.
    assert a.gateway.endpoint.connections[on_a.connection_id].direct
    assert any(attr(s, "http.route") == "/api/ws/ticket" for s in exporter.get_finished_spans())
    exporter.clear()

    sent = await alice.send(room["id"], f"hello @{bob.username}")
    frames = [await on_a.expect("message.created"), await on_b.expect("message.created")]

    [request] = [
        s
        for s in exporter.get_finished_spans()
        if s.kind is SpanKind.SERVER and attr(s, "http.route") == "/api/rooms/{room_id}/messages"
    ]
    assert request.name == "POST /api/rooms/{room_id}/messages"
    assert request.context is not None
    trace_id = request.context.trace_id

    def delivered_on_both() -> bool:
        return len(named(in_trace(exporter, trace_id), "ws.deliver")) == 2

    await eventually(delivered_on_both)
    spans = in_trace(exporter, trace_id)
    # The service's use case sits between the request and everything it does.
    [use_case] = named(spans, "chat.send_message")
    assert use_case.kind is SpanKind.INTERNAL
    assert use_case.parent is not None and use_case.parent.span_id == request.context.span_id
    statements = [s for s in spans if attr(s, "db.system") == "postgresql" or attr(s, "db.system.name") == "postgresql"]
    inserts = [
        s
        for s in statements
        if "INSERT" in str(s.name).upper() or "INSERT" in str(attr(s, "db.statement") or "").upper()
    ]
    assert inserts
    assert all(under(s, use_case, spans) for s in inserts)
    [publish] = [s for s in named(spans, "broker.publish") if attr(s, "messaging.destination.name") == topic]
    assert publish.kind is SpanKind.PRODUCER
    assert under(publish, use_case, spans)
    assert any(attr(s, "db.system") == "redis" for s in spans), "the Redis PUBLISH is in the trace"
    deliveries = named(spans, "ws.deliver")
    assert {attr(s, "sanctum.instance") for s in deliveries} == {a.gateway.instance_id, b.gateway.instance_id}
    assert publish.context is not None
    for delivery in deliveries:
        assert delivery.kind is SpanKind.CONSUMER
        assert delivery.parent is not None and delivery.parent.span_id == publish.context.span_id
        assert attr(delivery, "messaging.destination.name") == topic
        assert attr(delivery, "sanctum.recipients") == 1
    # The trace context travels in the broker envelope, never in what clients read.
    for frame in frames:
        assert frame["data"]["id"] == sent["id"]
        assert "trace" not in str(frame).lower()
    # The mention's notification job: enqueued inside the trace, run as a trace of its own linked to it.
    [enqueue] = [s for s in spans if s.name.startswith("job.enqueue ")]

    def job_ran() -> list[ReadableSpan]:
        return [
            s
            for s in exporter.get_finished_spans()
            if s.name == "job " + str(attr(enqueue, "sanctum.job"))
            and any(link.context.trace_id == trace_id for link in s.links)
        ]

    await eventually(job_ran)
    [run] = job_ran()
    assert run.context is not None and run.context.trace_id != trace_id
    assert run.kind is SpanKind.CONSUMER


@pytest.mark.scaled_only
async def test_a_socket_command_continues_the_trace_its_client_sends_and_reaches_the_other_instance(
    exporter: InMemorySpanExporter, make_server: ServerFactory
) -> None:
    a, b = await make_server(), await make_server()
    alice, bob = await people(a.http, 2)
    room = await alice.create_room("Typing traced")
    await bob.join(room["id"])
    topic = f"room:{room['id']}"
    typist, watcher = await a.connect(alice.user), await b.connect(bob.user)
    await typist.subscribe(topic)
    await watcher.subscribe(topic)
    trace_id = 0x4BF92F3577B34DA6A3CE929D0E0E4736
    traceparent = f"00-{trace_id:032x}-00f067aa0ba902b7-01"

    await typist.send({"type": "typing.start", "topic": topic, "traceparent": traceparent})
    typing = await watcher.expect("typing")

    await eventually(lambda: named(in_trace(exporter, trace_id), "ws.deliver"))
    spans = in_trace(exporter, trace_id)
    [command] = named(spans, "ws typing.start")
    assert command.kind is SpanKind.SERVER
    assert command.parent is not None and command.parent.span_id == 0x00F067AA0BA902B7
    assert attr(command, "sanctum.hub") == "chat"
    [delivery] = [s for s in named(spans, "ws.deliver") if attr(s, "sanctum.instance") == b.gateway.instance_id]
    assert attr(delivery, "sanctum.event.type") == "typing"
    assert "traceparent" not in str(typing)


@pytest.mark.embedded_only
async def test_embedded_a_chat_send_traces_its_sqlite_statements_the_publish_and_the_delivery(
    exporter: InMemorySpanExporter, server: LiveServer
) -> None:
    alice, bob = await people(server.http, 2)
    room = await alice.create_room("Traced here")
    await bob.join(room["id"])
    topic = f"room:{room['id']}"
    socket = await server.connect(bob.user)
    await socket.subscribe(topic)
    exporter.clear()

    await alice.send(room["id"], "hello")
    frame = await socket.expect("message.created")

    [request] = [s for s in exporter.get_finished_spans() if attr(s, "http.route") == "/api/rooms/{room_id}/messages"]
    assert request.context is not None
    spans = in_trace(exporter, request.context.trace_id)
    [use_case] = named(spans, "chat.send_message")
    statements = [s for s in spans if attr(s, "db.system") == "sqlite" or attr(s, "db.system.name") == "sqlite"]
    assert statements
    assert all(under(s, use_case, spans) for s in statements if "INSERT" in s.name.upper())
    [publish] = [s for s in named(spans, "broker.publish") if attr(s, "messaging.destination.name") == topic]
    assert under(publish, use_case, spans)
    [delivery] = named(spans, "ws.deliver")
    assert publish.context is not None and delivery.parent is not None
    assert delivery.parent.span_id == publish.context.span_id
    assert attr(delivery, "sanctum.instance") == server.gateway.instance_id
    assert "trace" not in str(frame).lower()


@pytest.mark.scaled_only
async def test_a_game_move_over_the_socket_continues_its_clients_trace_through_the_rooms_actor_to_the_other_instance(
    exporter: InMemorySpanExporter, make_server: ServerFactory
) -> None:
    a, b = await make_server(), await make_server()
    alice, bob = await gamer(a.http), await gamer(a.http)
    room_id = (await alice.open_room("connect_four"))["id"]
    await bob.sit(room_id)
    topic = f"game:{room_id}"
    on_a, on_b = await a.connect(alice.user), await b.connect(bob.user)
    await on_a.subscribe(topic)
    await on_b.subscribe(topic)
    trace_id = 0x0AF7651916CD43DD8448EB211C80319C
    traceparent = f"00-{trace_id:032x}-b7ad6b7169203331-01"

    ack = await on_a.request({"type": "game.move", "topic": topic, "move": {"column": 3}, "traceparent": traceparent})
    moved = await on_b.expect("game.moved", topic=topic)

    assert ack["type"] == "game.move.ok", ack
    await eventually(
        lambda: any(
            attr(s, "sanctum.instance") == b.gateway.instance_id
            for s in named(in_trace(exporter, trace_id), "ws.deliver")
        )
    )
    spans = in_trace(exporter, trace_id)
    [command] = named(spans, "ws game.move")
    assert command.parent is not None and command.parent.span_id == 0xB7AD6B7169203331
    [use_case] = named(spans, "games.move")
    assert use_case.parent is not None and command.context is not None
    assert use_case.parent.span_id == command.context.span_id
    # The room's actor runs the move in another task: it still sits in the trace, under the use case.
    [run] = named(spans, "game.room move")
    assert under(run, use_case, spans)
    assert attr(run, "sanctum.game") == "connect_four"
    writes = statements_in(spans, "INSERT") + statements_in(spans, "UPDATE")
    assert writes and all(under(s, run, spans) for s in writes)
    [publish] = [s for s in named(spans, "broker.publish") if attr(s, "messaging.destination.name") == topic]
    assert under(publish, run, spans)
    [delivery] = [s for s in named(spans, "ws.deliver") if attr(s, "sanctum.instance") == b.gateway.instance_id]
    assert publish.context is not None and delivery.parent is not None
    assert delivery.parent.span_id == publish.context.span_id
    assert moved["data"]["move"] == {"column": 3}
    assert "trace" not in str(moved).lower()


async def test_a_post_a_comment_and_a_friend_request_each_run_in_their_use_cases_span_holding_their_writes(
    exporter: InMemorySpanExporter, server: LiveServer
) -> None:
    alice, bob = await members(server.http, 2)
    exporter.clear()

    post = await alice.post("traced post")
    await bob.comment(post["id"], "traced comment")
    await bob.befriend(alice)

    for route, use_case_name in [
        ("/api/posts", "posts.create"),
        ("/api/posts/{post_id}/comments", "posts.comment"),
        ("/api/friends/requests", "friends.request"),
    ]:
        [request] = [
            s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER and s.name == f"POST {route}"
        ]
        assert request.context is not None
        spans = in_trace(exporter, request.context.trace_id)
        [use_case] = named(spans, use_case_name)
        assert use_case.parent is not None and use_case.parent.span_id == request.context.span_id, use_case_name
        inserts = statements_in(spans, "INSERT")
        assert inserts, use_case_name
        assert all(under(s, use_case, spans) for s in inserts), use_case_name
