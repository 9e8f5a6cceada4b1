"""The game plugin interface: what a game implements, and nothing else.

A plugin is pure rules. It never touches the database, the sockets, the clock or a lock; the engine
(`runner.py`) owns one asyncio task per live room, calls these functions with the current state,
persists every accepted move with the room's version number and publishes the result.

State is immutable. A handler returns a new state and never mutates the one it was given (the engine
may hand the same state to a reader, a persister and a bot at once). Use frozen dataclasses of tuples
or other immutable values; `encode`/`decode` turn a state into JSON and back, so a room can be
restored on another instance after its instance is lost.

Every callback that can refuse returns a `GameError` instead of a new state, with a stable code
the API and the socket pass on to the player as `{code, message, details}`: one of the catalogue's
game codes (`ErrorCode.ROOM_FULL`, `INVALID_MOVE`, `NOT_YOUR_TURN`, `GAME_OVER`, `NOT_IN_ROOM`,
`NOT_STARTED`, `ALREADY_IN_ROOM`, `BAD_OPTIONS`); any other code is answered as INVALID_MOVE.

docs/games.md shows a complete small plugin and how to register it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel

from sanctum.core.errors import ErrorCode

__all__ = ["ErrorCode", "GameError", "GamePlugin", "NoOptions", "Outcome", "Player"]


@dataclass(frozen=True, slots=True)
class GameError:
    """A refusal: the state stays as it was and the player is told why."""

    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Player:
    """A seat in a room. `id` is the user's id as a string, or `bot:<level>` for a bot."""

    id: str
    name: str
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a finished game ended. No winners means a draw."""

    winners: tuple[str, ...]
    reason: str  # e.g. "four_in_a_row", "board_full", "most_discs", "forfeit", "resigned"


class NoOptions(BaseModel):
    """Options of a game that has none."""


S = TypeVar("S")


class GamePlugin(Protocol, Generic[S]):
    """One game. Register it in `sanctum.domains.games.registry` (one line), and it is playable."""

    name: ClassVar[str]  # stable id used in the API and the database, e.g. "connect_four"
    title: ClassVar[str]  # shown to people, e.g. "Connect Four"
    min_players: ClassVar[int]
    max_players: ClassVar[int]
    tick_rate: ClassVar[int]  # ticks per second for real-time games; 0 for turn-based
    options_model: ClassVar[type[BaseModel]]  # validated by the engine before `init`
    bot_levels: ClassVar[tuple[str, ...]]  # e.g. ("easy", "medium", "hard"); () when bots are not offered

    def init(self, options: BaseModel) -> S:
        """A new game's state, before anyone has joined."""
        ...

    def join_attempt(self, state: S, player: Player) -> GameError | None:
        """Accept (None) or refuse a player taking a seat (ROOM_FULL, GAME_OVER, ...)."""
        ...

    def on_join(self, state: S, player: Player) -> S:
        """A player took a seat. The game starts when the plugin says so (usually when seats are full)."""
        ...

    def on_leave(self, state: S, player: Player) -> S:
        """A player left for good (left, or did not come back within the reconnect window)."""
        ...

    def handle(self, state: S, player: Player, move: Mapping[str, Any]) -> S | GameError:
        """Apply one move, or refuse it. `move` is untrusted JSON from a client: validate everything."""
        ...

    def tick(self, state: S, dt: float) -> S:
        """Advance a real-time game by `dt` seconds. Turn-based games return `state` unchanged."""
        ...

    def result(self, state: S) -> Outcome | None:
        """None while the game runs; the outcome once it is over."""
        ...

    def view(self, state: S, player: Player | None) -> dict[str, Any]:
        """What one player (None: a spectator) may see, as JSON."""
        ...

    def bot_move(self, state: S, player: Player, level: str) -> Mapping[str, Any] | None:
        """The move a bot of `level` makes now, or None when it is not the bot's turn."""
        ...

    def encode(self, state: S) -> dict[str, Any]:
        """The state as JSON, persisted so another instance can restore the room."""
        ...

    def decode(self, data: Mapping[str, Any]) -> S:
        """The inverse of `encode`."""
        ...
