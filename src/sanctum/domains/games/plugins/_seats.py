"""Seat bookkeeping and JSON helpers the two-player plugins share.

Players are compared by id: a name may change between a join and a reconnect, the id does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel

from sanctum.domains.games.engine.sdk import ErrorCode, GameError, NoOptions, Outcome, Player


def seat_of(players: Sequence[Player], player: Player) -> int | None:
    """The seat index of `player`, or None when they hold no seat."""
    for index, seated in enumerate(players):
        if seated.id == player.id:
            return index
    return None


def join_error(players: Sequence[Player], player: Player, seats: int, *, over: bool) -> GameError | None:
    """The usual refusals of a fixed-size room: game over, already seated, full."""
    if over:
        return GameError(ErrorCode.GAME_OVER, "This game is over.")
    if seat_of(players, player) is not None:
        return GameError(ErrorCode.ALREADY_IN_ROOM, "You already have a seat in this game.")
    if len(players) >= seats:
        return GameError(ErrorCode.ROOM_FULL, "This game is full.", {"seats": seats})
    return None


def forfeit(players: Sequence[Player], leaver: Player) -> Outcome:
    """The outcome when `leaver` walks out of a running game: everyone else wins."""
    return Outcome(tuple(p.id for p in players if p.id != leaver.id), "forfeit")


def move_int(move: Mapping[str, Any], key: str, low: int, high: int) -> int | GameError:
    """`move[key]` as an int in [low, high], or INVALID_MOVE. Booleans and floats are refused."""
    if not isinstance(move, Mapping):
        return GameError(ErrorCode.INVALID_MOVE, "A move must be a JSON object.")
    value = move.get(key)
    if type(value) is not int or not low <= value <= high:
        return GameError(
            ErrorCode.INVALID_MOVE,
            f"'{key}' must be an integer from {low} to {high}.",
            {"field": key, "min": low, "max": high},
        )
    return value


def player_to_json(player: Player) -> dict[str, Any]:
    return {"id": player.id, "name": player.name, "is_bot": player.is_bot}


def player_from_json(data: Mapping[str, Any]) -> Player:
    return Player(id=str(data["id"]), name=str(data["name"]), is_bot=bool(data.get("is_bot", False)))


def players_view(players: Sequence[Player]) -> list[dict[str, Any]]:
    return [{**player_to_json(p), "seat": i} for i, p in enumerate(players)]


def outcome_to_json(outcome: Outcome | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {"winners": list(outcome.winners), "reason": outcome.reason}


def outcome_from_json(data: Mapping[str, Any] | None) -> Outcome | None:
    if data is None:
        return None
    return Outcome(tuple(str(w) for w in data["winners"]), str(data["reason"]))


def refuse_move(
    players: Sequence[Player], player: Player, seats: int, *, over: bool, turn: int | None
) -> tuple[int, GameError | None]:
    """The checks before any move: game over, not seated, not started, not your turn.

    Returns the mover's seat (or -1) and the refusal, if any. `turn` is the seat to move, or None in a
    game where everyone moves at once.
    """
    if over:
        return -1, GameError(ErrorCode.GAME_OVER, "This game is over.")
    seat = seat_of(players, player)
    if seat is None:
        return -1, GameError(ErrorCode.NOT_IN_ROOM, "You have no seat in this game.")
    if len(players) < seats:
        return seat, GameError(ErrorCode.NOT_STARTED, "Waiting for an opponent.")
    if turn is not None and seat != turn:
        return seat, GameError(ErrorCode.NOT_YOUR_TURN, "It is not your turn.", {"turn": players[turn].id})
    return seat, None


class SeatedState(Protocol):
    """A frozen dataclass with the players in seat order and the outcome once the game is over."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def players(self) -> tuple[Player, ...]: ...

    @property
    def outcome(self) -> Outcome | None: ...


T = TypeVar("T", bound=SeatedState)


class FixedSeats(Generic[T]):
    """Joining, leaving and the result of a game for exactly `SEATS` players, shared by the plugins.

    The game starts when every seat is taken. Leaving before that frees the seat; leaving a running
    game forfeits it (the engine also calls `on_leave` when a reconnect window runs out).
    """

    SEATS: ClassVar[int] = 2
    min_players: ClassVar[int] = 2
    max_players: ClassVar[int] = 2
    tick_rate: ClassVar[int] = 0  # turn-based unless a game says otherwise
    options_model: ClassVar[type[BaseModel]] = NoOptions

    def join_attempt(self, state: T, player: Player) -> GameError | None:
        return join_error(state.players, player, self.SEATS, over=state.outcome is not None)

    def on_join(self, state: T, player: Player) -> T:
        if self.join_attempt(state, player) is not None:
            return state
        return replace(state, players=(*state.players, player))

    def on_leave(self, state: T, player: Player) -> T:
        seat = seat_of(state.players, player)
        if seat is None or state.outcome is not None:
            return state
        if len(state.players) < self.SEATS:
            return replace(state, players=state.players[:seat] + state.players[seat + 1 :])
        return replace(state, outcome=forfeit(state.players, player))

    def result(self, state: T) -> Outcome | None:
        return state.outcome

    def tick(self, state: T, dt: float) -> T:
        """Turn-based games do not tick."""
        return state

    def refuse(self, state: T, player: Player, turn: int | None) -> tuple[int, GameError | None]:
        """`refuse_move` for this game: the mover's seat and the refusal, if any."""
        return refuse_move(state.players, player, self.SEATS, over=state.outcome is not None, turn=turn)
