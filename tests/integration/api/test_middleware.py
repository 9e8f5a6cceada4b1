"""The request middleware: request ids, body limits, one log line per request, metrics, and 500s."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from sanctum.main import create_app
from sanctum.settings import Settings
from tests.conftest import ClientFactory, LogReader, SettingsFactory
from tests.factories import register_user
from tests.support.http import error_of
from tests.support.metrics import scrape

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")
SECRET_IN_EXCEPTION = "password=hunter2"


# -- request ids ---------------------------------------------------------------------------------


async def test_every_response_carries_a_generated_request_id(client: httpx.AsyncClient) -> None:
    first, second = await client.get("/health/live"), await client.get("/health/live")

    assert GENERATED_ID.match(first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


@pytest.mark.parametrize("sent", ["abc-123", "trace:4b1d.retry_2", "x" * 128])
async def test_a_sane_client_request_id_is_echoed(client: httpx.AsyncClient, sent: str) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": sent})

    assert response.headers["X-Request-ID"] == sent


@pytest.mark.parametrize("sent", ["x" * 129, "has space", "semi;colon", "quote'd", "<script>"])
async def test_an_insane_client_request_id_is_replaced(client: httpx.AsyncClient, sent: str) -> None:
    response = await client.get("/api/users/me", headers={"X-Request-ID": sent})

    error = error_of(response, 401, "UNAUTHORIZED")
    assert GENERATED_ID.match(response.headers["X-Request-ID"])
    assert error["request_id"] == response.headers["X-Request-ID"]


# -- body limits ---------------------------------------------------------------------------------


@pytest.fixture
async def small_body_client(make_client: ClientFactory, make_settings: SettingsFactory) -> httpx.AsyncClient:
    return await make_client(make_settings(max_body_bytes=1024))


def login_body(size: int) -> bytes:
    """A login request padded with spaces to `size` bytes."""
    body = b'{"login": "ada", "password": "not-the-password-1"}'
    return body + b" " * (size - len(body))


async def test_a_body_declared_over_the_limit_gets_413_before_it_is_read(
    small_body_client: httpx.AsyncClient,
) -> None:
    response = await small_body_client.post(
        "/api/auth/login", content=login_body(1025), headers={"Content-Type": "application/json"}
    )

    error_of(response, 413, "PAYLOAD_TOO_LARGE")
    assert response.headers["Connection"] == "close"


async def test_a_chunked_body_over_the_limit_gets_413(small_body_client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        body = login_body(2048)
        for start in range(0, len(body), 256):
            yield body[start : start + 256]

    response = await small_body_client.post(
        "/api/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    error_of(response, 413, "PAYLOAD_TOO_LARGE")


async def test_a_body_at_the_limit_is_read(small_body_client: httpx.AsyncClient) -> None:
    response = await small_body_client.post(
        "/api/auth/login", content=login_body(1024), headers={"Content-Type": "application/json"}
    )

    error_of(response, 401, "INVALID_CREDENTIALS")


async def test_a_content_length_that_is_not_a_number_gets_400(client: httpx.AsyncClient) -> None:
    request = client.build_request("POST", "/api/auth/login", content=b"{}")
    request.headers["Content-Length"] = "lots"

    response = await client.send(request)

    error_of(response, 400, "BAD_REQUEST")


# -- unhandled exceptions ------------------------------------------------------------------------


def app_with_a_failing_route(settings: Settings) -> FastAPI:
    app = create_app(settings)

    async def explode() -> None:
        raise RuntimeError(f"could not reach db-7.internal ({SECRET_IN_EXCEPTION})")

    # Ahead of the web app's catch-all route, which would otherwise answer the GET.
    app.router.routes.insert(0, APIRoute("/api/test/explode", explode, methods=["GET"]))
    return app


@pytest.mark.parametrize("app_env", ["test", "production"])
async def test_an_unhandled_exception_is_a_500_envelope_without_details_outside_development(
    make_client: ClientFactory, make_settings: SettingsFactory, app_env: str
) -> None:
    client = await make_client(app=app_with_a_failing_route(make_settings(app_env=app_env)))

    response = await client.get("/api/test/explode")

    error = error_of(response, 500, "INTERNAL_ERROR")
    assert "details" not in error
    assert SECRET_IN_EXCEPTION not in response.text
    assert "Traceback" not in response.text and "RuntimeError" not in response.text


async def test_an_unhandled_exception_shows_details_in_development(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    client = await make_client(app=app_with_a_failing_route(make_settings(app_env="development")))

    response = await client.get("/api/test/explode")

    error = error_of(response, 500, "INTERNAL_ERROR")
    assert SECRET_IN_EXCEPTION in error["details"]["exception"]
    assert any("explode" in line for line in error["details"]["traceback"])


async def test_an_unhandled_exception_is_logged_with_its_request_id(
    make_client: ClientFactory, make_settings: SettingsFactory, json_logs: LogReader
) -> None:
    client = await make_client(app=app_with_a_failing_route(make_settings()))

    response = await client.get("/api/test/explode")

    request_id = response.headers["X-Request-ID"]
    failures = [line for line in json_logs() if line["event"] == "unhandled_exception"]
    assert [line["request_id"] for line in failures] == [request_id]
    assert "RuntimeError" in failures[0]["exception"]
    [request_line] = [line for line in json_logs() if line["event"] == "request"]
    assert (request_line["status"], request_line["route"]) == (500, "/api/test/explode")


# -- logs ----------------------------------------------------------------------------------------


async def test_each_request_writes_one_json_log_line_with_its_context(
    client: httpx.AsyncClient, json_logs: LogReader
) -> None:
    user = await register_user(client)
    json_logs()  # what registering wrote

    me = await client.get("/api/users/me", headers=user.headers)
    profile = await client.get(f"/api/users/{user.username}")

    request_lines = [line for line in json_logs() if line["event"] == "request"]
    assert len(request_lines) == 4  # register and login, then the two above
    me_line, profile_line = request_lines[-2:]
    assert me_line["request_id"] == me.headers["X-Request-ID"]
    assert me_line["user_id"] == user.id
    assert (me_line["method"], me_line["route"], me_line["status"]) == ("GET", "/api/users/me", 200)
    assert profile_line["request_id"] == profile.headers["X-Request-ID"]
    assert profile_line["route"] == "/api/users/{username}"
    assert profile_line["user_id"] is None
    for line in (me_line, profile_line):
        assert isinstance(line["latency_ms"], float | int) and line["latency_ms"] >= 0
        assert line["level"] == "info"
    assert not any(user.username in line["route"] for line in request_lines)


async def test_requests_for_unknown_paths_are_logged_under_one_route_label(
    client: httpx.AsyncClient, json_logs: LogReader
) -> None:
    await client.get("/api/no/such/path/4711")

    [line] = [line for line in json_logs() if line["event"] == "request"]
    assert (line["route"], line["status"]) == ("unmatched", 404)


# -- metrics -------------------------------------------------------------------------------------


async def test_http_metrics_are_labelled_by_route_template_never_by_raw_path(client: httpx.AsyncClient) -> None:
    await register_user(client, "alice")

    await client.get("/api/users/alice")
    await client.get("/api/users/alice_not_here")

    samples = await scrape(client)
    requests = {
        (s.labels["method"], s.labels["route"], s.labels["status"]) for s in samples if s.name == "http_requests_total"
    }
    assert ("GET", "/api/users/{username}", "200") in requests
    assert ("GET", "/api/users/{username}", "404") in requests
    durations = {s.labels.get("route") for s in samples if s.name.startswith("http_request_duration_seconds")}
    assert "/api/users/{username}" in durations
    assert not [s for s in samples if any("alice" in value for value in s.labels.values())]
