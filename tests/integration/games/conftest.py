"""Fixtures of the games tests: settings with the fake games registered and short timings, and the
live app instances of tests/support/live.py for the socket tests."""

from __future__ import annotations

from typing import Any, Protocol

import pytest

from sanctum.settings import GamesSettings, Settings
from tests.conftest import SettingsFactory
from tests.support.fake_games import FAKE_PLUGINS
from tests.support.live import make_server

__all__ = ["game_settings", "make_server"]

# Short enough to keep the suite fast, long enough for a loaded two-core machine.
FAST_GAMES: dict[str, Any] = {
    "extra_plugins": FAKE_PLUGINS,
    "bot_delay_seconds": 0.0,
    "sweep_interval_seconds": 0.05,
    "reconnect_window_seconds": 5.0,
    "bot_fallback_seconds": 0.3,
    "lease_seconds": 1.0,
    "snapshot_interval_seconds": 0.2,
}


class GameSettingsFactory(Protocol):
    def __call__(self, **games: Any) -> Settings: ...


@pytest.fixture
def game_settings(make_settings: SettingsFactory) -> GameSettingsFactory:
    """`Settings` with the fake games and fast engine timings; keyword arguments set `GamesSettings` fields."""

    def make(**games: Any) -> Settings:
        return make_settings(games=GamesSettings(**{**FAST_GAMES, **games}))

    return make
