"""Reversi (Othello rules): 8x8, a move must flank a line of the opponent's discs and turns them over.

A player with no legal move passes automatically (the turn stays with the other player); the game
ends when neither can move, and the player with more discs wins (equal counts: a draw). Seat 0 plays
black and moves first. Moves are `{"row": 0..7, "col": 0..7}`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pydantic import BaseModel

from sanctum.domains.games.engine.sdk import ErrorCode, GameError, Outcome, Player
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

SIZE = 8
SEATS = 2
EMPTY = -1
DIRECTIONS = tuple((dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc)
SYMBOLS = ".01"  # encode: EMPTY, seat 0, seat 1

Board = tuple[int, ...]  # SIZE * SIZE cells, row-major; EMPTY or the seat owning the disc


def _start() -> Board:
    cells = [EMPTY] * (SIZE * SIZE)
    mid = SIZE // 2
    cells[(mid - 1) * SIZE + mid - 1] = cells[mid * SIZE + mid] = 1
    cells[(mid - 1) * SIZE + mid] = cells[mid * SIZE + mid - 1] = 0
    return tuple(cells)


START = _start()

# A classic positional table: corners are gold, the cells next to them give corners away.
WEIGHTS = (
    (100, -20, 10, 5, 5, 10, -20, 100),
    (-20, -50, -2, -2, -2, -2, -50, -20),
    (10, -2, 1, 1, 1, 1, -2, 10),
    (5, -2, 1, 0, 0, 1, -2, 5),
    (5, -2, 1, 0, 0, 1, -2, 5),
    (10, -2, 1, 1, 1, 1, -2, 10),
    (-20, -50, -2, -2, -2, -2, -50, -20),
    (100, -20, 10, 5, 5, 10, -20, 100),
)


HARD_DEPTH = 4  # plies the hard bot looks ahead (pure Python: well under a second a move)
END_WEIGHT = 1000  # a finished game's disc margin outweighs any position


def _play(board: Board, seat: int, row: int, col: int) -> Board:
    cells = list(board)
    for index in (*flips(board, seat, row, col), row * SIZE + col):
        cells[index] = seat
    return tuple(cells)


def _positional(board: Board, seat: int) -> int:
    score = 0
    for index, owner in enumerate(board):
        if owner != EMPTY:
            weight = WEIGHTS[index // SIZE][index % SIZE]
            score += weight if owner == seat else -weight
    return score


def _ordered(moves: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return sorted(moves, key=lambda m: -WEIGHTS[m[0]][m[1]])  # corners first: better pruning


def _negamax(board: Board, seat: int, depth: int, alpha: int, beta: int) -> int:
    """The position's value for `seat` to move, searched `depth` plies with alpha-beta."""
    moves = legal_moves(board, seat)
    if not moves:
        if not has_move(board, 1 - seat):
            black, white = counts(board)
            return END_WEIGHT * ((black - white) if seat == 0 else (white - black))
        return -_negamax(board, 1 - seat, max(depth - 1, 0), -beta, -alpha)  # a pass
    if depth == 0:
        return _positional(board, seat)
    best = -(END_WEIGHT * SIZE * SIZE) - 1
    for row, col in _ordered(moves):
        score = -_negamax(_play(board, seat, row, col), 1 - seat, depth - 1, -beta, -alpha)
        best = max(best, score)
        alpha = max(alpha, score)
        if alpha >= beta:
            break
    return best


def best_move(board: Board, seat: int, depth: int) -> tuple[int, int]:
    """The hard bot's move: alpha-beta over the positional table, a won ending above all."""
    alpha, beta = -(END_WEIGHT * SIZE * SIZE) - 1, END_WEIGHT * SIZE * SIZE + 1
    choice = (-1, -1)
    for row, col in _ordered(legal_moves(board, seat)):
        score = -_negamax(_play(board, seat, row, col), 1 - seat, depth - 1, -beta, -alpha)
        if score > alpha or choice == (-1, -1):
            alpha, choice = max(alpha, score), (row, col)
    return choice


@dataclass(frozen=True, slots=True)
class ReversiState:
    players: tuple[Player, ...] = ()
    board: Board = START
    turn: int = 0  # the seat to move
    outcome: Outcome | None = None
    last_move: tuple[int, int] | None = None
    flipped: tuple[tuple[int, int], ...] = ()  # discs the last move turned over (for the animation)
    passed: int | None = None  # the seat that had to pass before the current turn, if any

    @property
    def started(self) -> bool:
        return len(self.players) == SEATS


def flips(board: Board, seat: int, row: int, col: int) -> tuple[int, ...]:
    """The cells (as indices) a disc of `seat` at (row, col) would turn over; () if it is illegal."""
    if board[row * SIZE + col] != EMPTY:
        return ()
    out: list[int] = []
    for dr, dc in DIRECTIONS:
        run: list[int] = []
        r, c = row + dr, col + dc
        while 0 <= r < SIZE and 0 <= c < SIZE and board[r * SIZE + c] == 1 - seat:
            run.append(r * SIZE + c)
            r, c = r + dr, c + dc
        if run and 0 <= r < SIZE and 0 <= c < SIZE and board[r * SIZE + c] == seat:
            out.extend(run)
    return tuple(out)


def legal_moves(board: Board, seat: int) -> list[tuple[int, int]]:
    return [(r, c) for r in range(SIZE) for c in range(SIZE) if flips(board, seat, r, c)]


def has_move(board: Board, seat: int) -> bool:
    return any(flips(board, seat, r, c) for r in range(SIZE) for c in range(SIZE))


def counts(board: Board) -> tuple[int, int]:
    return board.count(0), board.count(1)


def place(state: ReversiState, row: int, col: int) -> ReversiState:
    """`state` after the player to move puts a disc on (row, col), which must be legal."""
    seat = state.turn
    turned = flips(state.board, seat, row, col)
    cells = list(state.board)
    for index in (*turned, row * SIZE + col):
        cells[index] = seat
    board = tuple(cells)
    after = replace(
        state, board=board, last_move=(row, col), flipped=tuple(divmod(i, SIZE) for i in turned), passed=None
    )
    if has_move(board, 1 - seat):
        return replace(after, turn=1 - seat)
    if has_move(board, seat):
        return replace(after, passed=1 - seat)  # the opponent cannot move: the mover goes again
    black, white = counts(board)
    if black == white:
        return replace(after, outcome=Outcome((), "most_discs"))
    winner = 0 if black > white else 1
    return replace(after, outcome=Outcome((state.players[winner].id,), "most_discs"))


class Reversi(FixedSeats[ReversiState]):
    name: ClassVar[str] = "reversi"
    title: ClassVar[str] = "Reversi"
    bot_levels: ClassVar[tuple[str, ...]] = ("easy", "medium", "hard")

    def __init__(self, *, seed: int | None = None) -> None:
        self._rng = random.Random(seed)

    def init(self, options: BaseModel) -> ReversiState:
        return ReversiState()

    def handle(self, state: ReversiState, player: Player, move: Mapping[str, Any]) -> ReversiState | GameError:
        _, refusal = self.refuse(state, player, state.turn)
        if refusal is not None:
            return refusal
        row = move_int(move, "row", 0, SIZE - 1)
        if isinstance(row, GameError):
            return row
        col = move_int(move, "col", 0, SIZE - 1)
        if isinstance(col, GameError):
            return col
        if not flips(state.board, state.turn, row, col):
            return GameError(
                ErrorCode.INVALID_MOVE,
                "A disc must turn over at least one of your opponent's.",
                {"row": row, "col": col},
            )
        return place(state, row, col)

    def view(self, state: ReversiState, player: Player | None) -> dict[str, Any]:
        over = state.outcome is not None
        playing = state.started and not over
        black, white = counts(state.board)
        return {
            "status": "finished" if over else "playing" if state.started else "waiting",
            "players": players_view(state.players),
            "you": None if player is None else seat_of(state.players, player),
            "turn": state.players[state.turn].id if playing else None,
            "turn_seat": state.turn if playing else None,
            "board": [[None if v == EMPTY else v for v in state.board[r * SIZE : (r + 1) * SIZE]] for r in range(SIZE)],
            "legal": [list(m) for m in legal_moves(state.board, state.turn)] if playing else [],
            "counts": [black, white],
            "last_move": list(state.last_move) if state.last_move else None,
            "flipped": [list(cell) for cell in state.flipped],
            "passed": state.passed,
            "outcome": outcome_to_json(state.outcome),
        }

    def bot_move(self, state: ReversiState, player: Player, level: str) -> Mapping[str, Any] | None:
        if state.outcome is not None or not state.started or seat_of(state.players, player) != state.turn:
            return None
        moves = legal_moves(state.board, state.turn)
        if level == "easy":
            row, col = self._rng.choice(moves)
        elif level == "hard":
            row, col = best_move(state.board, state.turn, HARD_DEPTH)
        else:
            # Medium: the best cell of the positional table, counting the discs it turns over.
            def value(m: tuple[int, int]) -> tuple[int, float]:
                r, c = m
                gain = sum(WEIGHTS[i // SIZE][i % SIZE] for i in flips(state.board, state.turn, r, c))
                return WEIGHTS[r][c] + gain, self._rng.random()

            row, col = max(moves, key=value)
        return {"row": row, "col": col}

    def encode(self, state: ReversiState) -> dict[str, Any]:
        return {
            "players": [player_to_json(p) for p in state.players],
            "board": ["".join(SYMBOLS[v + 1] for v in state.board[r * SIZE : (r + 1) * SIZE]) for r in range(SIZE)],
            "turn": state.turn,
            "outcome": outcome_to_json(state.outcome),
            "last_move": list(state.last_move) if state.last_move else None,
            "flipped": [list(cell) for cell in state.flipped],
            "passed": state.passed,
        }

    def decode(self, data: Mapping[str, Any]) -> ReversiState:
        rows = data["board"]
        if len(rows) != SIZE or any(len(row) != SIZE for row in rows):
            raise ValueError("a Reversi board has 8 rows of 8 cells")
        board = tuple(SYMBOLS.index(ch) - 1 for row in rows for ch in row)
        last = data.get("last_move")
        passed = data.get("passed")
        return ReversiState(
            players=tuple(player_from_json(p) for p in data["players"]),
            board=board,
            turn=int(data["turn"]),
            outcome=outcome_from_json(data.get("outcome")),
            last_move=(int(last[0]), int(last[1])) if last else None,
            flipped=tuple((int(r), int(c)) for r, c in data.get("flipped", ())),
            passed=None if passed is None else int(passed),
        )
