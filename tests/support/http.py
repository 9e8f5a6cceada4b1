"""Assertions about HTTP responses shared by the suites."""

from __future__ import annotations

from typing import Any

import httpx

ENVELOPE_KEYS = {"code", "message", "fields", "details", "request_id"}


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert `response` is the error envelope with this status and code; return the `error` object.

    Also checks what every error shares: JSON, only the envelope's keys, and a `request_id` equal to
    the `X-Request-ID` header.
    """
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) <= ENVELOPE_KEYS, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    assert error["request_id"] == response.headers["x-request-id"]
    return error
