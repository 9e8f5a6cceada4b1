"""Every error is rendered as `{"error": {"code", "message", "fields"?, "details"?, "request_id"}}`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import ClientFactory, SettingsFactory
from tests.factories import register_user
from tests.support.http import error_of

ERROR_CASES = [
    pytest.param("GET", "/api/users/me", {}, 401, "UNAUTHORIZED", id="401"),
    pytest.param("GET", "/api/no/such/thing", {}, 404, "NOT_FOUND", id="404-unknown-path"),
    pytest.param("GET", "/api/users/nobody_at_all", {}, 404, "USER_NOT_FOUND", id="404-unknown-user"),
    pytest.param("PUT", "/api/users/me", {}, 405, "METHOD_NOT_ALLOWED", id="405"),
    pytest.param("POST", "/api/auth/login", {"json": {"login": 1}}, 422, "VALIDATION_FAILED", id="422"),
    pytest.param(
        "POST", "/api/auth/login", {"content": b"x" * 2048}, 413, "PAYLOAD_TOO_LARGE", id="413-content-length"
    ),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "code"), ERROR_CASES)
async def test_every_error_is_the_envelope_with_the_request_id_of_the_response(
    make_client: ClientFactory,
    make_settings: SettingsFactory,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    code: str,
) -> None:
    client = await make_client(make_settings(max_body_bytes=1024))

    response = await client.request(method, path, **kwargs)

    error = error_of(response, status, code)
    assert len(error["request_id"]) == 32
    assert "details" not in error


async def test_an_error_carries_the_request_id_the_client_sent(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/me", headers={"X-Request-ID": "trace-42.retry:1"})

    assert error_of(response, 401, "UNAUTHORIZED")["request_id"] == "trace-42.retry:1"


async def test_unknown_api_path_returns_the_404_envelope_not_the_web_app(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/does-not-exist")

    error_of(response, 404, "NOT_FOUND")


async def test_wrong_method_returns_the_405_envelope_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.put("/api/auth/sessions")

    error_of(response, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in response.headers["Allow"]


async def test_malformed_json_returns_422_naming_the_body(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login", content=b'{"login": "ada", "password":', headers={"Content-Type": "application/json"}
    )

    error = error_of(response, 422, "VALIDATION_FAILED")
    assert error["fields"] == {"body": "is not valid JSON"}


async def test_a_body_that_is_not_an_object_returns_422_naming_the_body(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/login", json=["ada", "secret"])

    assert set(error_of(response, 422, "VALIDATION_FAILED")["fields"]) == {"body"}


async def test_validation_errors_name_nested_fields_and_say_why(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/login", json={"login": "ada", "password": 12})

    error = error_of(response, 422, "VALIDATION_FAILED")
    assert error["fields"] == {"password": "Input should be a valid string"}


async def test_conflict_names_the_conflicting_fields(client: httpx.AsyncClient) -> None:
    user = await register_user(client)

    response = await client.post(
        "/api/auth/register", json={"username": user.username, "email": user.email, "password": user.password}
    )

    error = error_of(response, 409, "ACCOUNT_EXISTS")
    assert error["fields"] == {"username": "is already taken", "email": "is already registered"}


@pytest.mark.parametrize(("app_env", "shown"), [("development", True), ("test", False), ("production", False)])
async def test_validation_details_appear_only_in_development(
    make_client: ClientFactory, make_settings: SettingsFactory, app_env: str, shown: bool
) -> None:
    client = await make_client(make_settings(app_env=app_env))

    response = await client.post("/api/auth/login", json={"login": "ada"})

    error = error_of(response, 422, "VALIDATION_FAILED")
    assert ("details" in error) is shown
    assert error["fields"] == {"password": "Field required"}
