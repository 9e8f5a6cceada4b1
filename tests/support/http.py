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


def rate_limited(response: httpx.Response, limit: str, window_seconds: float) -> int:
    """Assert `response` is the 429 of the named limit, with `Retry-After` inside the window and the
    draft `RateLimit-*` fields; return the seconds to wait."""
    error = error_of(response, 429, "RATE_LIMITED")
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= window_seconds + 1, retry_after
    assert error["details"] == {"limit": limit, "retry_after": retry_after}
    assert response.headers["RateLimit-Remaining"] == "0"
    assert response.headers["RateLimit-Reset"] == str(retry_after)
    assert response.headers["RateLimit-Policy"] == f"{response.headers['RateLimit-Limit']};w={int(window_seconds)}"
    return retry_after
