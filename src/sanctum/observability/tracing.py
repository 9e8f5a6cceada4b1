"""Distributed tracing with OpenTelemetry: one trace from the HTTP request to every socket it reaches.

Off unless configured (the standard `OTEL_*` variables, read into `Settings`): no exporter configured,
no provider is built, nothing is instrumented, and the helpers below return at their first line, so a
request costs what it cost before (docs/benchmarks.md has the instruction counts). On, one
`TracerProvider` per process (the OpenTelemetry model) feeds the OTLP/HTTP exporter, and:

- HTTP requests get a server span from the FastAPI instrumentation (route templates as names; the
  socket path, health probes and `/metrics` excluded, so the gateway keeps its raw fast path);
- every statement gets a span from the SQLAlchemy instrumentation, every Redis command from the redis
  one;
- a published event carries the W3C `traceparent` of the span that published it in the broker envelope
  (core/events.py `pack`), never in the frame clients read; each instance that delivers it to sockets
  records a `ws.deliver` span in that trace (realtime/gateway.py);
- a use case of a service decorated `@tracing.traced("chat.send_message")` runs in a span of that name,
  so its statements and publishes sit under the use case, not straight under the request;
- a socket command runs in a `ws.command` span, continuing the client's trace when the command carries
  a `traceparent` field, else starting one;
- a command a game room's actor runs (a move from HTTP or the socket) carries the `traceparent` of
  its submitter and runs in a `game.room <kind>` span of that trace, so the move's statements and its
  `game:{id}` publish sit under the request or socket command (domains/games/engine/actor.py);
- a job carries the `traceparent` of its enqueue in its labels, and its run is a new trace linked to it
  (jobs/queue.py).

Every log line written inside a span has its `trace_id` and `span_id` (`add_trace_ids`, logging.py).
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
from collections.abc import Callable, Coroutine, Iterator, Mapping
from typing import Any, ParamSpec, TypeVar

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    DEFAULT_OFF,
    DEFAULT_ON,
    Decision,
    ParentBasedTraceIdRatio,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import Attributes

from sanctum.settings import Settings

_PROPAGATOR = TraceContextTextMapPropagator()
_NO_METERS = NoOpMeterProvider()
# Paths that get no server span: the socket (a span per connection lifetime, and the ASGI wrapper
# would take the gateway off its direct-write path), probes and scrapes (noise).
EXCLUDED_URLS = "/api/ws$,/health/live$,/health/ready$,/metrics$"  # regexes on scheme://host/path


class _State:
    provider: TracerProvider | None = None
    tracer: trace.Tracer | None = None
    redis_instrumented = False


_STATE = _State()


def active() -> bool:
    return _STATE.tracer is not None


class NoOrphans(Sampler):
    """Client and producer spans (a statement, a Redis command, a publish) only inside a trace.

    Background loops poll Redis (the job stream, socket leases) and game rooms publish a frame per
    tick: as roots, each of those would be a trace of one span, many a second. The rest is `inner`'s."""

    def __init__(self, inner: Sampler) -> None:
        self.inner = inner

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Any = None,
        trace_state: Any = None,
    ) -> SamplingResult:
        parent = trace.get_current_span(parent_context).get_span_context()
        if not parent.is_valid and kind in (SpanKind.CLIENT, SpanKind.PRODUCER):
            return SamplingResult(Decision.DROP)
        return self.inner.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"NoOrphans{{{self.inner.get_description()}}}"


def sampler_from(name: str, arg: float | None) -> Sampler:
    """The sampler `OTEL_TRACES_SAMPLER` names (`OTEL_TRACES_SAMPLER_ARG` is the ratio)."""
    ratio = 1.0 if arg is None else arg
    samplers: dict[str, Sampler] = {
        "always_on": ALWAYS_ON,
        "always_off": ALWAYS_OFF,
        "traceidratio": TraceIdRatioBased(ratio),
        "parentbased_always_on": DEFAULT_ON,
        "parentbased_always_off": DEFAULT_OFF,
        "parentbased_traceidratio": ParentBasedTraceIdRatio(ratio),
    }
    return samplers[name]


def _otlp_exporter(settings: Settings) -> SpanExporter:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    endpoint = settings.otel_exporter_otlp_traces_endpoint
    if endpoint is None and settings.otel_exporter_otlp_endpoint is not None:
        endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
    return OTLPSpanExporter(endpoint=endpoint)


def configure_tracing(settings: Settings, role: str = "app") -> bool:
    """Start tracing for this process if the settings ask for it (or it already runs); True if on."""
    if active():
        return True
    exporter_name = settings.traces_exporter
    if exporter_name == "none":
        return False
    exporter: SpanExporter
    if exporter_name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        exporter = ConsoleSpanExporter()
    else:
        exporter = _otlp_exporter(settings)
    start_tracing(
        exporter,
        service_name=settings.otel_service_name or ("sanctum" if role == "app" else f"sanctum-{role}"),
        sampler=sampler_from(settings.otel_traces_sampler, settings.otel_traces_sampler_arg),
        batch=True,
    )
    return True


def start_tracing(
    exporter: SpanExporter, *, service_name: str = "sanctum", sampler: Sampler = DEFAULT_ON, batch: bool = False
) -> TracerProvider:
    """Trace this process into `exporter` (tests pass an in-memory one, with `batch=False`)."""
    resource = Resource.create(
        {"service.name": service_name, "service.instance.id": f"{socket.gethostname()}:{os.getpid()}"}
    )
    provider = TracerProvider(resource=resource, sampler=NoOrphans(sampler))
    provider.add_span_processor(BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter))
    _STATE.provider = provider
    _STATE.tracer = provider.get_tracer("sanctum")
    if not _STATE.redis_instrumented:
        from opentelemetry.instrumentation.redis import RedisInstrumentor

        RedisInstrumentor().instrument(tracer_provider=provider)
        _STATE.redis_instrumented = True
    return provider


def flush_tracing() -> None:
    """Export the spans still batched (at shutdown: uvicorn ends the process by re-raising SIGTERM,
    so exit handlers would not run)."""
    if _STATE.provider is not None:
        _STATE.provider.force_flush(timeout_millis=5_000)


def stop_tracing() -> None:
    """Flush and stop (at process exit; tests, to leave the process untraced)."""
    provider, _STATE.provider, _STATE.tracer = _STATE.provider, None, None
    if _STATE.redis_instrumented:
        from opentelemetry.instrumentation.redis import RedisInstrumentor

        RedisInstrumentor().uninstrument()
        _STATE.redis_instrumented = False
    if provider is not None:
        provider.shutdown()


def instrument_app(app: Any) -> None:
    """Server spans for the app's HTTP requests (a no-op while tracing is off)."""
    if _STATE.provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=_STATE.provider,
        meter_provider=_NO_METERS,
        excluded_urls=EXCLUDED_URLS,
        exclude_spans=["receive", "send"],
    )


def instrument_engine(engine: Any) -> None:
    """A span per statement on this (sync) engine (a no-op while tracing is off)."""
    if _STATE.provider is None:
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    tracer = _STATE.provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    usage = _NO_METERS.get_meter("sanctum").create_up_down_counter("db.client.connections.usage")
    EngineTracer(tracer, engine, usage)  # type: ignore[no-untyped-call]


# -- context in envelopes -------------------------------------------------------------------------


def current_traceparent() -> str:
    """The W3C `traceparent` of the current span, or "" (tracing off, or no sampled span: an event
    of a trace not sampled travels as an untraced one)."""
    if _STATE.tracer is None:
        return ""
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid or not ctx.trace_flags.sampled:
        return ""
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-01"


def _context_of(traceparent: str | None) -> Context | None:
    if not traceparent:
        return None
    return _PROPAGATOR.extract({"traceparent": traceparent})


@contextlib.contextmanager
def span(
    name: str,
    *,
    parent: str | None = None,
    link: str | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, Any] | None = None,
) -> Iterator[None]:
    """A span named `name`: a child of `parent` (a traceparent) if given, else of the current span;
    `link` makes it a new trace linked to that one. Nothing at all while tracing is off."""
    tracer = _STATE.tracer
    if tracer is None:
        yield
        return
    context = _context_of(parent)
    links: list[Link] = []
    if link:
        linked = trace.get_current_span(_context_of(link)).get_span_context()
        if linked.is_valid:
            links.append(Link(linked))
        context = Context()  # a root of its own
    with tracer.start_as_current_span(name, context=context, kind=kind, links=links, attributes=attributes):
        yield


@contextlib.contextmanager
def continuing(name: str, traceparent: str, *, attributes: Mapping[str, Any] | None = None) -> Iterator[None]:
    """A span named `name` in the trace `traceparent` names, for work handed over a queue (a game
    room's actor runs a move a request submitted); nothing when it is "" (untraced work stays so)."""
    if not traceparent or _STATE.tracer is None:
        yield
        return
    with span(name, parent=traceparent, attributes=attributes):
        yield


P = ParamSpec("P")
R = TypeVar("R")


def traced(name: str) -> Callable[[Callable[P, Coroutine[Any, Any, R]]], Callable[P, Coroutine[Any, Any, R]]]:
    """A span named `name` around every call of an async use case (a service method); while tracing
    is off, the call goes straight through."""

    def wrap(fn: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, Coroutine[Any, Any, R]]:
        @functools.wraps(fn)
        async def call(*args: P.args, **kwargs: P.kwargs) -> R:
            if _STATE.tracer is None:
                return await fn(*args, **kwargs)
            with span(name):
                return await fn(*args, **kwargs)

        return call

    return wrap


def trace_ids() -> tuple[str, str] | None:
    """(trace_id, span_id) of the current span as hex, or None."""
    if _STATE.tracer is None:
        return None
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return None
    return format(ctx.trace_id, "032x"), format(ctx.span_id, "016x")
