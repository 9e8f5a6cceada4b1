"""Application errors with stable codes.

Services raise these; one handler renders every one of them as the error envelope
`{"error": {"code", "message", "fields"?, "details"?, "request_id"}}`.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of every error a client may see. `code` is stable and machine readable."""

    status_code: int = 400
    code: str = "BAD_REQUEST"
    message: str = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or type(self).message
        if code is not None:
            self.code = code
        self.fields = fields
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)


class ValidationFailed(AppError):
    status_code = 422
    code = "VALIDATION_FAILED"
    message = "Some fields are invalid."


class Unauthorized(AppError):
    status_code = 401
    code = "UNAUTHORIZED"
    message = "Authentication is required."


class Forbidden(AppError):
    status_code = 403
    code = "FORBIDDEN"
    message = "You are not allowed to do this."


class NotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "Not found."


class Conflict(AppError):
    status_code = 409
    code = "CONFLICT"
    message = "This conflicts with the current state."


class PayloadTooLarge(AppError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"
    message = "The request body is too large."


class RateLimited(AppError):
    status_code = 429
    code = "RATE_LIMITED"
    message = "Too many requests; try again later."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(
            message, details={"retry_after": self.retry_after}, headers={"Retry-After": str(self.retry_after)}
        )


class ServiceUnavailable(AppError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"
    message = "A dependency is unavailable."


STATUS_CODES: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_FAILED",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def code_for_status(status: int) -> str:
    """The stable code used for a bare HTTP status raised by the framework."""
    return STATUS_CODES.get(status, "ERROR" if status < 500 else "INTERNAL_ERROR")
