"""One renderer for every error: `{"error": {"code", "message", "fields"?, "details"?, "request_id"}}`."""

from __future__ import annotations

import traceback
from collections.abc import MutableMapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from sanctum.core.errors import AppError, code_for_status
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.errors")

_MESSAGES = {
    404: "Not found.",
    405: "Method not allowed.",
    413: "The request body is too large.",
    500: "Something went wrong on our side. It has been logged.",
}


def request_id_of(scope: MutableMapping[str, Any]) -> str:
    return str(scope.get("state", {}).get("request_id", ""))


def error_response(
    status: int,
    code: str,
    message: str,
    request_id: str,
    *,
    fields: dict[str, str] | None = None,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    if details:
        body["details"] = details
    body["request_id"] = request_id
    return Response(
        orjson.dumps({"error": body}, default=str),
        status_code=status,
        media_type="application/json",
        headers={**(headers or {}), "X-Request-ID": request_id},
    )


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_fields(errors: list[Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in errors:
        if err.get("type") == "json_invalid":
            fields.setdefault("body", "is not valid JSON")
            continue
        name = _field_name(tuple(err.get("loc", ())))
        msg = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
        fields.setdefault(name, msg)
    return fields


def install_error_handlers(app: FastAPI, *, development: bool) -> None:
    async def app_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AppError)
        return error_response(
            exc.status_code,
            exc.code,
            exc.message,
            request_id_of(request.scope),
            fields=exc.fields,
            # Details meant for the client (a retry_after) are public; others only in development.
            details=exc.details if development or exc.public_details else None,
            headers=exc.headers,
        )

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = list(exc.errors())
        return error_response(
            422,
            "VALIDATION_FAILED",
            "Some fields are invalid.",
            request_id_of(request.scope),
            fields=validation_fields(errors),
            details={"errors": orjson.loads(orjson.dumps(errors, default=str))} if development else None,
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = _MESSAGES.get(exc.status_code) or (exc.detail if isinstance(exc.detail, str) else "Request failed.")
        return error_response(
            exc.status_code,
            code_for_status(exc.status_code),
            message,
            request_id_of(request.scope),
            headers=dict(exc.headers or {}),
        )

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)


def internal_error_response(exc: BaseException, request_id: str, *, development: bool) -> Response:
    details = None
    if development:
        details = {"exception": repr(exc), "traceback": traceback.format_exception(exc)[-5:]}
    return error_response(500, "INTERNAL_ERROR", _MESSAGES[500], request_id, details=details)
