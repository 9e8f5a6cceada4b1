"""Liveness, readiness and the Prometheus endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import HEALTH_CHECK_UP, render_latest

log = get_logger("sanctum.health")

Check = Callable[[], Awaitable[None]]


class Live(BaseModel):
    status: Literal["ok"] = "ok"


class DependencyStatus(BaseModel):
    status: Literal["ok", "down"]
    error: str | None = None


class Ready(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, DependencyStatus]
    breakers: dict[str, Literal["closed", "half_open", "open"]] = Field(
        default_factory=dict,
        description="Each circuit breaker's state (docs/operations/breakers.md): open means calls fail fast.",
    )


BreakerStates = Callable[[], Mapping[str, Literal["closed", "half_open", "open"]]]


def health_router(checks: Mapping[str, Check], timeout: float, breakers: BreakerStates = dict) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health/live", response_model=Live)
    async def live() -> Live:
        """The process is up and serving."""
        return Live()

    @router.get("/health/ready", response_model=Ready, responses={503: {"model": Ready}})
    async def ready(request: Request) -> JSONResponse:
        """Every dependency answers within the timeout: 200; otherwise 503 naming which did not."""

        async def run(name: str, check: Check) -> tuple[str, DependencyStatus]:
            try:
                async with asyncio.timeout(timeout):
                    await check()
                return name, DependencyStatus(status="ok")
            except TimeoutError:
                return name, DependencyStatus(status="down", error="timed out")
            except Exception as exc:
                return name, DependencyStatus(status="down", error=type(exc).__name__)

        results = dict(await asyncio.gather(*(run(n, c) for n, c in checks.items())))
        for name, result in results.items():
            HEALTH_CHECK_UP.labels(name).set(1 if result.status == "ok" else 0)
        ok = all(r.status == "ok" for r in results.values())
        if not ok:
            log.warning("not_ready", checks={n: r.error for n, r in results.items() if r.error})
        body = Ready(status="ready" if ok else "not_ready", checks=results, breakers=dict(breakers()))
        return JSONResponse(body.model_dump(), status_code=200 if ok else 503)

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        payload, content_type = render_latest()
        return Response(payload, media_type=content_type)

    return router
