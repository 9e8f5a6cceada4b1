"""The Redis broker when Redis is not there: it says so at once, so the gateway delivers locally."""

from __future__ import annotations

import socket
import time

from prometheus_client import REGISTRY

from sanctum.broker import RedisBroker
from sanctum.core.events import make_event


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_publish_to_an_unreachable_redis_returns_false_quickly_and_is_counted() -> None:
    broker = RedisBroker(f"redis://127.0.0.1:{closed_port()}/0")
    errors = REGISTRY.get_sample_value("redis_errors_total", {"operation": "publish"}) or 0.0

    started = time.monotonic()
    results = [await broker.publish(make_event("room:1", "note", {"n": n}, seq=n)) for n in range(1, 4)]
    elapsed = time.monotonic() - started

    assert results == [False, False, False]
    assert elapsed < 1.0, f"three failed publishes took {elapsed:.2f} s"
    assert REGISTRY.get_sample_value("redis_errors_total", {"operation": "publish"}) == errors + 3
    assert not broker.connected
    await broker.stop()
