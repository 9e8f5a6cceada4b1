"""Every write names its rate limit where it is declared: each write route has a limit dependency, each
socket command declares one (or `None`), and docs/rate-limits.md lists every limit with its default."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.dependencies.models import Dependant

from sanctum.api.rate_limits import RATE_LIMIT_ATTRIBUTE
from sanctum.main import create_app
from sanctum.services import build_services
from sanctum.settings import RateLimitSettings, Settings
from tests.contracts.test_dependencies import api_routes

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
DOCS = Path(__file__).parents[2] / "docs" / "rate-limits.md"


def limits_spent(dependant: Dependant) -> list[str]:
    found = []
    for sub in dependant.dependencies:
        name = getattr(sub.call, RATE_LIMIT_ATTRIBUTE, None)
        if name is not None:
            found.append(name)
        found += limits_spent(sub)
    return found


def test_every_write_route_spends_a_named_limit() -> None:
    routes = [r for r in api_routes(create_app(Settings(app_env="test")).routes) if r.methods & WRITES]
    spent = {f"{sorted(r.methods)} {r.path}": limits_spent(r.dependant) for r in routes}

    assert len(spent) > 50
    assert {route: names for route, names in spent.items() if not names} == {}
    assert {name for names in spent.values() for name in names} <= set(RateLimitSettings().names())


def test_every_socket_command_that_stores_something_names_its_limit() -> None:
    hubs = build_services(Settings(app_env="test")).gateway.hubs
    declared = {type_: hub.handlers[type_].limit for hub in hubs.hubs for type_ in hub.handlers}

    assert declared == {
        "typing.start": None,
        "typing.stop": None,
        "receipt.delivered": "read_marker",
        "announce": "announcement",
        "game.move": "game_move",
        "call.start": "call_start",
        "call.accept": "call_control",
        "call.decline": "call_control",
        "call.hangup": "call_control",
        "call.signal": "call_signal",
    }


def test_the_operators_table_lists_every_limit_with_its_default() -> None:
    table = {
        match[1]: match[2] for match in re.finditer(r"^\| `RATE_LIMITS__(\w+)` \| `([^`]+)` \|", DOCS.read_text(), re.M)
    }
    defaults = RateLimitSettings()

    assert table == {name.upper(): getattr(defaults, name) for name in defaults.names()}
