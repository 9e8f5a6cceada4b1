"""Routers that a request outside their prefix skips at once.

The problem: since FastAPI 0.137 an included router is kept as a router, not copied into the app's
route list, and matching walks every included router's every route before it reaches the next one,
with no look at the prefix (fastapi/fastapi#16159 proposes the check, for `include_router(prefix=)`).
With fifteen domain routers that walk cost ~360 µs of CPU for a request to the last of them, more
than the whole of `GET /api/users/me` (bench/request_cost.py).

The mechanism: `DomainRouter.matches` answers "no match" at once when the path does not start with
the literal part of the router's prefix (what precedes its first `{param}`), and otherwise asks
FastAPI as before. Every route of a router is registered under its prefix, so the answer is the one
the full walk would give. The price: routes must keep their prefix on the router (`prefix=`), which
every domain does; a router without one is walked as before.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope


class DomainRouter(APIRouter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._literal_prefix = self.prefix.split("{", 1)[0]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if self._literal_prefix and not get_route_path(scope).startswith(self._literal_prefix):
            return Match.NONE, {}
        return super().matches(scope)
