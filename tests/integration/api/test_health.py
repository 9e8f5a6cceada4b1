"""GET /health/live, GET /health/ready and GET /metrics."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import SCALED, ClientFactory, ScaledServers
from tests.factories import register_user
from tests.support.live import eventually
from tests.support.metrics import sample_value, scrape


async def ready_again(client: httpx.AsyncClient) -> httpx.Response:
    """/health/ready once the dependency is back: the Redis breaker closes on its next probe
    (`RESILIENCE__BREAKER_RESET_SECONDS`), a pooled connection the restart cut is replaced on checkout."""
    answers: list[httpx.Response] = []

    async def ready() -> bool:
        answers.append(await client.get("/health/ready"))
        return answers[-1].status_code == 200

    await eventually(ready, within=15.0, interval=0.2)
    return answers[-1]


async def test_live_answers_200_while_the_process_is_up(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_answers_200_with_the_status_of_each_dependency(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    expected = {"accepting", "database", "redis"} if SCALED else {"accepting", "database"}
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {name: {"status": "ok", "error": None} for name in expected}
    # Breakers are made as their dependency is first used (push, link previews); Redis's from the start.
    assert set(body["breakers"].values()) <= {"closed"} and ("redis" in body["breakers"]) == SCALED


async def test_metrics_expose_http_database_and_redis_families(client: httpx.AsyncClient) -> None:
    await register_user(client)

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    for family in ("http_requests_total", "http_request_duration_seconds", "db_query_duration_seconds"):
        assert f"# TYPE {family} " in response.text
    for counter in ("db_errors_total", "redis_errors_total"):
        assert f"# TYPE {counter} counter" in response.text
    assert await sample_value(client, "db_query_duration_seconds_count") > 0
    samples = await scrape(client)
    assert any(s.name == "http_request_duration_seconds_bucket" and s.labels.get("le") for s in samples)


@pytest.mark.scaled_only
async def test_ready_turns_503_naming_postgresql_while_it_is_stopped_and_200_when_it_returns(
    make_client: ClientFactory, scaled_servers: ScaledServers
) -> None:
    client = await make_client()
    user = await register_user(client)

    async with scaled_servers.stopped(scaled_servers.postgresql):
        down = await client.get("/health/ready")

        assert down.status_code == 503
        body = down.json()
        assert body["status"] == "not_ready"
        assert body["checks"]["database"]["status"] == "down"
        assert body["checks"]["database"]["error"]
        assert body["checks"]["redis"] == {"status": "ok", "error": None}

    up = await ready_again(client)
    assert up.json()["status"] == "ready"
    me = await client.get("/api/users/me", headers=user.headers)
    assert me.status_code == 200
    assert me.json()["username"] == user.username


@pytest.mark.scaled_only
async def test_ready_turns_503_naming_redis_while_it_is_stopped_and_200_when_it_returns(
    make_client: ClientFactory, scaled_servers: ScaledServers
) -> None:
    client = await make_client()

    async with scaled_servers.stopped(scaled_servers.redis):
        down = await client.get("/health/ready")

        assert down.status_code == 503
        body = down.json()
        assert body["status"] == "not_ready"
        assert body["checks"]["redis"]["status"] == "down"
        assert body["checks"]["database"] == {"status": "ok", "error": None}

    up = await ready_again(client)
    assert up.json()["checks"]["redis"] == {"status": "ok", "error": None}
