"""What a room's actor needs from the engine: its infrastructure and the engine's shared services.

The engine (engine.py) builds one and hands it to every actor it starts, so actors and the real-time
collaborator depend on this, never on the engine class (no import cycle between them).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sanctum.db.batch import GroupCommit
from sanctum.db.database import Database
from sanctum.domains.games.engine.sdk import GamePlugin, Player
from sanctum.domains.games.engine.ticker import Tickers
from sanctum.domains.games.repository import GamesRepository
from sanctum.realtime.publisher import Publisher
from sanctum.settings import GamesSettings


class Plugins(Protocol):
    """The games this server runs, by name (`games.registry.GameRegistry` is the one implementation)."""

    def get(self, name: str) -> GamePlugin[Any] | None: ...


@dataclass(frozen=True, slots=True)
class EngineContext:
    settings: GamesSettings
    db: Database
    repo: GamesRepository
    group: GroupCommit
    registry: Plugins
    publisher: Publisher
    instance_id: str
    tickers: Tickers  # one tick scheduler per rate for the real-time rooms this instance owns
    # The real-time input bus: forward an input to the room's owner; listen for inputs while owning it.
    forward: Callable[[uuid.UUID, Player, Mapping[str, Any]], Awaitable[None]]
    listen: Callable[[uuid.UUID], Awaitable[None]]
    unlisten: Callable[[uuid.UUID], Awaitable[None]]
    # The lease of a room was released (a shutdown, a finished game): tell every instance at once.
    released: Callable[[uuid.UUID], Awaitable[None]]
    # An actor that stops tells the engine, which then starts a new one for the next command.
    forget: Callable[[uuid.UUID, object], None]
