"""The outermost request middleware (pure ASGI, no per-request task):

- gives every request an id and returns it as `X-Request-ID`;
- refuses bodies over the limit with 413 before they are read whole;
- writes one structured log line per request and the HTTP metrics, labelled by route template;
- turns a failure to reach the database that escaped every session into the 503 envelope (db/outage.py),
  and any other unhandled exception into the 500 envelope (no stack trace outside development).
"""

from __future__ import annotations

import time
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sanctum.api.errors import error_response, internal_error_response
from sanctum.core.errors import PayloadTooLarge
from sanctum.core.ids import sane_request_id
from sanctum.db.outage import as_unavailable
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import HTTP_DURATION, HTTP_REQUESTS

log = get_logger("sanctum.http")

_QUIET_ROUTES = frozenset({"/metrics", "/health/live", "/health/ready"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and "{path:path}" not in path:
        return path
    # Unknown API paths and web-app files get one label each, so labels stay bounded.
    return "unmatched" if str(scope.get("path", "")).startswith("/api") else "web"


class RequestContextMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, development: bool, own_limit_prefixes: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # Routes below these paths bound their bodies themselves (uploads, with limits of their own).
        self.own_limit_prefixes = own_limit_prefixes
        self.development = development

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                scope.setdefault("state", {})["request_id"] = sane_request_id(_header(scope, b"x-request-id"))
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        request_id = sane_request_id(_header(scope, b"x-request-id"))
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        status_holder = {"status": 500, "started": False}
        rid_header = (b"x-request-id", request_id.encode())

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                headers.append(rid_header)
                message["headers"] = headers
            await send(message)

        try:
            too_large = None if self._own_limit(scope) else self._declared_too_large(scope)
            if too_large is not None:
                await too_large(scope, receive, send_wrapper)
            else:
                limited = receive if self._own_limit(scope) else self._limited(receive)
                await self.app(scope, limited, send_wrapper)
        except Exception as exc:
            unavailable = as_unavailable(exc)
            if unavailable is None:
                log.error("unhandled_exception", request_id=request_id, exc_info=exc)
            if status_holder["started"]:
                raise
            if unavailable is not None:
                response = error_response(
                    unavailable.status_code,
                    unavailable.code,
                    unavailable.message,
                    request_id,
                    details=unavailable.details,
                    headers=unavailable.headers,
                )
            else:
                response = internal_error_response(exc, request_id, development=self.development)
            await response(scope, receive, send_wrapper)
        finally:
            self._observe(scope, state, int(status_holder["status"]), started)

    def _own_limit(self, scope: Scope) -> bool:
        return bool(self.own_limit_prefixes) and str(scope.get("path", "")).startswith(self.own_limit_prefixes)

    def _declared_too_large(self, scope: Scope) -> Any:
        declared = _header(scope, b"content-length")
        if declared is None:
            return None
        request_id = scope["state"]["request_id"]
        if not declared.isdigit():
            return error_response(400, "BAD_REQUEST", "Content-Length is not a number.", request_id)
        if int(declared) > self.max_body_bytes:
            err = PayloadTooLarge(details={"limit_bytes": self.max_body_bytes})
            return error_response(413, err.code, err.message, request_id, headers={"Connection": "close"})
        return None

    def _limited(self, receive: Receive) -> Receive:
        received = 0
        limit = self.max_body_bytes

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException, because FastAPI turns other errors raised while
                    # reading a body into a generic 400.
                    raise StarletteHTTPException(413)
            return message

        return limited_receive

    def _observe(self, scope: Scope, state: dict[str, Any], status: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        method = str(scope.get("method", ""))
        route = route_template(scope)
        HTTP_REQUESTS.labels(method, route, str(status)).inc()
        HTTP_DURATION.labels(method, route).observe(elapsed)
        if route in _QUIET_ROUTES and status < 400:
            return
        log.info(
            "request",
            request_id=state.get("request_id"),
            user_id=state.get("user_id"),
            method=method,
            route=route,
            status=status,
            latency_ms=round(elapsed * 1000, 2),
        )
