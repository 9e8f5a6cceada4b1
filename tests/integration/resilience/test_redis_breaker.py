"""Redis black-holed (it accepts connections and never answers): once the breaker has opened, requests
answer at once again instead of each waiting out a Redis timeout; readiness and /metrics say the breaker
is open; when Redis answers again the probe closes it."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx
import pytest

from sanctum.settings import ResilienceSettings
from tests.conftest import SettingsFactory
from tests.integration.chat.chat_api import Person
from tests.support.blackhole import BlackHoleProxy
from tests.support.live import ServerFactory, eventually

pytestmark = pytest.mark.scaled_only

# Normal latency here is milliseconds; a request waiting on a black hole waits seconds (socket
# timeouts). The bound tells the two apart on a loaded machine without timing anything finely.
FAST = 1.0


async def breaker_of(http: httpx.AsyncClient) -> str:
    return str((await http.get("/health/ready")).json()["breakers"]["redis"])


async def test_with_redis_black_holed_requests_fail_fast_past_the_breaker_and_it_closes_when_redis_answers(
    make_server: ServerFactory, make_settings: SettingsFactory, redis_url: str
) -> None:
    real = urlsplit(redis_url)
    proxy = BlackHoleProxy(real.hostname or "127.0.0.1", real.port or 6379)
    await proxy.start()
    try:
        settings = make_settings(
            redis_url=f"redis://{proxy.address}/0", resilience=ResilienceSettings(breaker_reset_seconds=0.5)
        )
        server = await make_server(settings)
        alice = Person(server.http, await server.register())
        room = (await alice.create_room("weather"))["id"]
        await alice.send(room, "before")
        assert await breaker_of(server.http) == "closed"

        proxy.black_hole()
        # The first requests wait out a Redis timeout or two, then the breaker opens; each still succeeds.
        for i in range(8):
            await alice.send(room, f"while holed {i}")
            if await breaker_of(server.http) != "closed":
                break
        assert await breaker_of(server.http) in ("open", "half_open")

        slowest = 0.0
        for i in range(10):
            started = time.perf_counter()
            await alice.send(room, f"past the breaker {i}")
            await alice.room(room)
            slowest = max(slowest, time.perf_counter() - started)
        assert slowest < FAST, f"a request took {slowest:.2f} s with the breaker open"
        ready = await server.http.get("/health/ready")
        assert ready.status_code == 503 and ready.json()["checks"]["redis"]["status"] == "down"
        metrics = (await server.http.get("/metrics")).text
        assert 'circuit_breaker_state{breaker="redis"} 0.0' not in metrics
        assert 'circuit_breaker_opened_total{breaker="redis"}' in metrics

        proxy.heal()
        await eventually(lambda: _closed(server.http), within=15.0, interval=0.2)
        assert (await server.http.get("/health/ready")).status_code == 200
        await alice.send(room, "after")
    finally:
        await proxy.stop()


async def _closed(http: httpx.AsyncClient) -> bool:
    return await breaker_of(http) == "closed"
