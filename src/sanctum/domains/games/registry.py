"""The one place games are registered: add an entry to `BUILT_IN` and the game is playable.

A plain tuple rather than the `sanctum.games` entry-point group ARCHITECTURE.md suggests: the
first-party games live in this repository, so an import here is checked by mypy and import-linter
and needs no reinstall of package metadata to take effect (a forgotten `uv sync` would silently
drop a game). Plugins that live elsewhere are named in `GAMES__EXTRA_PLUGINS` as
`package.module:Class` and loaded at start.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from typing import Any

from sanctum.domains.games.engine.sdk import GamePlugin
from sanctum.domains.games.plugins import connect_four, pong, reversi

# One entry per game (import its module above), e.g. `connect_four.ConnectFour(),`.
BUILT_IN: tuple[GamePlugin[Any], ...] = (
    connect_four.ConnectFour(),
    reversi.Reversi(),
    pong.Pong(),
)


def load_plugin(path: str) -> GamePlugin[Any]:
    """Instantiate the plugin class at `package.module:Class`."""
    module_name, sep, attr = path.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"expected package.module:Class, got {path!r}")
    cls = getattr(importlib.import_module(module_name), attr)
    plugin: GamePlugin[Any] = cls()
    return plugin


class GameRegistry:
    """The games this instance serves, by name."""

    def __init__(self, plugins: Iterable[GamePlugin[Any]] = ()) -> None:
        self._plugins: dict[str, GamePlugin[Any]] = {}
        for plugin in plugins:
            self.register(plugin)

    @classmethod
    def default(cls, extra: Iterable[str] = ()) -> GameRegistry:
        return cls([*BUILT_IN, *(load_plugin(path) for path in extra)])

    def register(self, plugin: GamePlugin[Any]) -> None:
        if plugin.name in self._plugins:
            raise ValueError(f"game {plugin.name!r} is registered twice")
        if plugin.min_players < 1 or plugin.max_players < plugin.min_players or plugin.tick_rate < 0:
            raise ValueError(f"game {plugin.name!r} has impossible player counts or tick rate")
        self._plugins[plugin.name] = plugin

    def get(self, name: str) -> GamePlugin[Any] | None:
        return self._plugins.get(name)

    def __iter__(self) -> Iterator[GamePlugin[Any]]:
        return iter(sorted(self._plugins.values(), key=lambda p: p.name))

    def __contains__(self, name: object) -> bool:
        return name in self._plugins
