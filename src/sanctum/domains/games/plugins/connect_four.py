"""Connect Four: 7 columns x 6 rows, two players, the first to line up four discs wins.

The state is the list of columns played plus the board it implies (a tuple of column stacks, bottom
first), so `encode` is just the players and the moves: `decode` replays them. Seat 0 moves first.
Moves are `{"column": 0..6}`. Bots live in `connect_four_bot.py`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pydantic import BaseModel

from sanctum.domains.games.engine.sdk import ErrorCode, GameError, Outcome, Player
from sanctum.domains.games.plugins import connect_four_bot as bot
from sanctum.domains.games.plugins._seats import (
    FixedSeats,
    move_int,
    outcome_from_json,
    outcome_to_json,
    player_from_json,
    player_to_json,
    players_view,
    seat_of,
)

COLUMNS = 7
ROWS = 6
SEATS = 2
DIRECTIONS = ((1, 0), (0, 1), (1, 1), (1, -1))  # (column step, row step): across, up, two diagonals

Column = tuple[int, ...]  # seats of the discs in one column, bottom first
Cell = tuple[int, int]  # (column, row counted from the bottom)


@dataclass(frozen=True, slots=True)
class ConnectFourState:
    players: tuple[Player, ...] = ()
    moves: tuple[int, ...] = ()
    columns: tuple[Column, ...] = ((),) * COLUMNS
    outcome: Outcome | None = None
    winning_cells: tuple[Cell, ...] = ()

    @property
    def turn(self) -> int:
        """The seat to move."""
        return len(self.moves) % SEATS

    @property
    def started(self) -> bool:
        return len(self.players) == SEATS


def line_through(columns: Sequence[Column], column: int, row: int) -> tuple[Cell, ...]:
    """The cells of a four-or-longer line through (column, row) of its owner's discs, or ()."""
    seat = columns[column][row]

    def owner(c: int, r: int) -> int | None:
        if 0 <= c < COLUMNS and 0 <= r < len(columns[c]):
            return columns[c][r]
        return None

    for dc, dr in DIRECTIONS:
        cells = [(column, row)]
        for sign in (1, -1):
            c, r = column + sign * dc, row + sign * dr
            while owner(c, r) == seat:
                cells.append((c, r))
                c, r = c + sign * dc, r + sign * dr
        if len(cells) >= 4:
            return tuple(sorted(cells))
    return ()


def play(state: ConnectFourState, column: int) -> ConnectFourState:
    """`state` with the player to move dropping a disc into `column` (which must have room)."""
    seat = state.turn
    stack = (*state.columns[column], seat)
    columns = (*state.columns[:column], stack, *state.columns[column + 1 :])
    moves = (*state.moves, column)
    cells = line_through(columns, column, len(stack) - 1)
    outcome = state.outcome
    if cells:
        outcome = Outcome((state.players[seat].id,), "four_in_a_row")
    elif len(moves) == COLUMNS * ROWS:
        outcome = Outcome((), "board_full")
    return replace(state, moves=moves, columns=columns, outcome=outcome, winning_cells=cells)


class ConnectFour(FixedSeats[ConnectFourState]):
    name: ClassVar[str] = "connect_four"
    title: ClassVar[str] = "Connect Four"
    bot_levels: ClassVar[tuple[str, ...]] = bot.LEVELS

    def __init__(self, *, hard_budget: float = bot.HARD_BUDGET, seed: int | None = None) -> None:
        """`hard_budget`: seconds the hard bot may think per move. `seed`: for reproducible bots."""
        self.hard_budget = hard_budget
        self._rng = random.Random(seed)

    def init(self, options: BaseModel) -> ConnectFourState:
        return ConnectFourState()

    def handle(self, state: ConnectFourState, player: Player, move: Mapping[str, Any]) -> ConnectFourState | GameError:
        _, refusal = self.refuse(state, player, state.turn)
        if refusal is not None:
            return refusal
        column = move_int(move, "column", 0, COLUMNS - 1)
        if isinstance(column, GameError):
            return column
        if len(state.columns[column]) >= ROWS:
            return GameError(ErrorCode.INVALID_MOVE, "That column is full.", {"column": column})
        return play(state, column)

    def view(self, state: ConnectFourState, player: Player | None) -> dict[str, Any]:
        # Rows top first, as a screen draws them; a cell is the seat of its disc or None.
        board = [[col[r] if r < len(col) else None for col in state.columns] for r in range(ROWS - 1, -1, -1)]
        last = None
        if state.moves:
            column = state.moves[-1]
            last = {"column": column, "row": ROWS - len(state.columns[column])}
        over = state.outcome is not None
        return {
            "status": "finished" if over else "playing" if state.started else "waiting",
            "players": players_view(state.players),
            "you": None if player is None else seat_of(state.players, player),
            "turn": None if over or not state.started else state.players[state.turn].id,
            "turn_seat": None if over or not state.started else state.turn,
            "board": board,
            "moves": list(state.moves),
            "last_move": last,
            "playable": [c for c in range(COLUMNS) if len(state.columns[c]) < ROWS] if not over else [],
            "winning_cells": [[ROWS - 1 - r, c] for c, r in state.winning_cells],
            "outcome": outcome_to_json(state.outcome),
        }

    def bot_move(self, state: ConnectFourState, player: Player, level: str) -> Mapping[str, Any] | None:
        if state.outcome is not None or not state.started or seat_of(state.players, player) != state.turn:
            return None
        return {"column": bot.choose(state.moves, level, rng=self._rng, budget=self.hard_budget)}

    def encode(self, state: ConnectFourState) -> dict[str, Any]:
        return {
            "players": [player_to_json(p) for p in state.players],
            "moves": list(state.moves),
            "outcome": outcome_to_json(state.outcome),
        }

    def decode(self, data: Mapping[str, Any]) -> ConnectFourState:
        state = ConnectFourState(players=tuple(player_from_json(p) for p in data["players"]))
        for column in data["moves"]:
            if type(column) is not int or not 0 <= column < COLUMNS or len(state.columns[column]) >= ROWS:
                raise ValueError(f"not a playable column: {column!r}")
            if state.outcome is not None:
                raise ValueError("moves after the end of the game")
            state = play(state, column)
        outcome = outcome_from_json(data.get("outcome"))
        return replace(state, outcome=outcome) if outcome is not None else state
