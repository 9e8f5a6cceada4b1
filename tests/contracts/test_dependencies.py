"""Every dependency of every route is `async`: FastAPI runs a plain `def` one on a worker thread, a
round trip per request that cost more than the rest of a cached request (docs/benchmarks.md)."""

from __future__ import annotations

import inspect
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from sanctum.main import create_app
from sanctum.settings import Settings


def runs_on_a_thread(call: Any) -> bool:
    if inspect.isroutine(call):
        return not inspect.iscoroutinefunction(call)
    method = getattr(call, "__call__", None)  # noqa: B004 - a class instance used as a dependency
    return method is not None and not inspect.iscoroutinefunction(method)


def sync_dependencies(dependant: Dependant, where: str) -> list[str]:
    found = []
    for sub in dependant.dependencies:
        if sub.call is not None and runs_on_a_thread(sub.call):
            found.append(f"{where}: {getattr(sub.call, '__qualname__', sub.call)!r}")
        found += sync_dependencies(sub, where)
    return found


def api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute, through the included routers (FastAPI keeps those as wrappers of the original)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += api_routes(route.original_router.routes)
    return found


async def an_async_dependency() -> None:
    return None


def test_no_route_has_a_dependency_that_runs_on_the_thread_pool() -> None:
    app = create_app(Settings(app_env="test"))
    routes = api_routes(app.routes)
    found = [d for r in routes for d in sync_dependencies(r.dependant, f"{sorted(r.methods)} {r.path}")]
    assert runs_on_a_thread(lambda request: None) and not runs_on_a_thread(an_async_dependency)  # it can fail
    assert found == []
    assert len(routes) > 60
    assert all(inspect.iscoroutinefunction(r.endpoint) for r in routes), "async routes too"
