"""Tracing helpers: the envelope carries the context, logs carry the ids, and off means nothing runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ParentBasedTraceIdRatio

from sanctum.core.events import make_event, pack, unpack
from sanctum.observability import tracing
from sanctum.observability.logging import add_trace_ids
from sanctum.settings import Settings

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    tracing.start_tracing(spans)
    try:
        yield spans
    finally:
        tracing.stop_tracing()


def test_an_untraced_event_keeps_the_old_broker_format_and_a_traced_one_carries_its_traceparent() -> None:
    event = make_event("room:1", "message.created", {"id": 7}, seq=3)
    plain = pack(event)
    traced = pack(type(event)(**{**{f: getattr(event, f) for f in event.__slots__}, "trace": TRACEPARENT}))

    assert plain.startswith(b"3|")
    again = unpack("room:1", plain)
    assert (again.topic, again.type, again.seq, again.frame, again.trace) == ("room:1", event.type, 3, event.frame, "")
    assert traced.startswith(b"~" + TRACEPARENT.encode() + b"|3|")
    back = unpack("room:1", traced)
    assert back.trace == TRACEPARENT
    assert back.frame == event.frame  # what clients read never holds the context
    assert "traceparent" not in back.frame


def test_while_tracing_is_off_no_span_is_made_and_no_context_is_captured() -> None:
    assert not tracing.active()
    with tracing.span("anything", parent=TRACEPARENT):
        assert tracing.current_traceparent() == ""
        assert tracing.trace_ids() is None
        assert add_trace_ids(None, "info", {"event": "x"}) == {"event": "x"}


def test_a_span_continues_its_parent_and_log_lines_inside_it_carry_its_ids(exporter: InMemorySpanExporter) -> None:
    with tracing.span("child", parent=TRACEPARENT):
        line = add_trace_ids(None, "info", {"event": "x"})
        inner = tracing.current_traceparent()

    [span] = exporter.get_finished_spans()
    assert span.context is not None and span.parent is not None
    assert line == {"event": "x", "trace_id": TRACEPARENT.split("-")[1], "span_id": f"{span.context.span_id:016x}"}
    assert span.parent.span_id == 0x00F067AA0BA902B7
    assert inner.split("-")[1] == TRACEPARENT.split("-")[1]


@tracing.traced("test.use_case")
async def use_case(value: int) -> str:
    return tracing.current_traceparent() or f"untraced {value}"


async def test_a_traced_use_case_runs_in_a_span_of_its_name_and_untraced_when_tracing_is_off() -> None:
    assert await use_case(1) == "untraced 1"

    spans = InMemorySpanExporter()
    tracing.start_tracing(spans)
    try:
        with tracing.span("request", parent=TRACEPARENT):
            inside = await use_case(2)
    finally:
        tracing.stop_tracing()

    [span] = [s for s in spans.get_finished_spans() if s.name == "test.use_case"]
    [request] = [s for s in spans.get_finished_spans() if s.name == "request"]
    assert span.context is not None and request.context is not None and span.parent is not None
    assert span.parent.span_id == request.context.span_id
    assert inside.split("-")[2] == f"{span.context.span_id:016x}"
    assert use_case.__name__ == "use_case"


def test_a_linked_span_starts_a_trace_of_its_own_that_points_at_the_link(exporter: InMemorySpanExporter) -> None:
    with tracing.span("job x", link=TRACEPARENT):
        pass

    [span] = exporter.get_finished_spans()
    assert span.parent is None
    assert span.context is not None and f"{span.context.trace_id:032x}" != TRACEPARENT.split("-")[1]
    assert [f"{link.context.trace_id:032x}" for link in span.links] == [TRACEPARENT.split("-")[1]]


def test_tracing_is_off_by_default_and_on_with_an_otlp_endpoint_or_a_named_exporter() -> None:
    def exporter_of(**values: object) -> str:
        return Settings(_env_file=None, **values).traces_exporter  # type: ignore[call-arg, arg-type]

    assert exporter_of() == "none"
    assert exporter_of(otel_exporter_otlp_endpoint="http://collector:4318") == "otlp"
    assert exporter_of(otel_traces_exporter="console") == "console"
    assert exporter_of(otel_exporter_otlp_endpoint="http://collector:4318", otel_sdk_disabled=True) == "none"
    sampler = tracing.sampler_from("parentbased_traceidratio", 0.25)
    assert isinstance(sampler, ParentBasedTraceIdRatio)


def test_statement_redis_and_publish_spans_are_made_only_inside_a_trace(exporter: InMemorySpanExporter) -> None:
    from opentelemetry.trace import SpanKind

    with tracing.span("PUBLISH", kind=SpanKind.PRODUCER):  # a game tick's frame: no trace around it
        assert tracing.current_traceparent() == ""
    with tracing.span("ws game.move", kind=SpanKind.SERVER), tracing.span("PUBLISH", kind=SpanKind.PRODUCER):
        assert tracing.current_traceparent() != ""

    assert [s.name for s in exporter.get_finished_spans()] == ["PUBLISH", "ws game.move"]
