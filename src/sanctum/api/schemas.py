"""Wire models shared by every route: the error envelope."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from sanctum.core.errors import ErrorCode


class ErrorBody(BaseModel):
    code: ErrorCode = Field(description="Stable machine-readable code from the catalogue, e.g. VALIDATION_FAILED.")
    message: str
    fields: dict[str, str] | None = Field(None, description="Which input was wrong and why.")
    details: dict[str, Any] | None = Field(None, description="Internal diagnostics (development only).")
    request_id: str


class ErrorEnvelope(BaseModel):
    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": description}
    for status, description in {
        400: "Bad request",
        401: "Not authenticated",
        403: "Forbidden",
        404: "Not found",
        409: "Conflict",
        413: "Body too large",
        422: "Invalid input",
        429: "Rate limited",
        503: "The database is unavailable for a moment: DATABASE_UNAVAILABLE, retry after Retry-After seconds",
    }.items()
}
