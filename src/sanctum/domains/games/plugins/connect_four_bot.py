"""Connect Four bots: easy (random, sometimes sees a win), medium (short search), hard (strong).

The search works on a bitboard: each column takes 7 bits (6 cells and a sentinel bit on top), bit
`column * 7 + row` with row 0 at the bottom. A position is two ints: `mask` (every disc) and `own`
(the discs of the player to move). Playing `move` (one bit) hands the turn over with
`own, mask = own ^ mask, mask | move`, and `own + mask` is a unique key for the position.

The hard bot is negamax with alpha-beta pruning, a transposition table, moves ordered centre first
(with the best move the table remembers tried first), iterative deepening and a time budget: it
answers with the best move of the deepest search it finished. Before searching it always takes an
immediate win and blocks an immediate loss, and it never plays under a cell the opponent needs.
Once a search proves a forced win it stops and plays it, so it never loses a won position it can see.
Scores: a win for the player to move at ply `p` (counted from the empty board) is `WIN - p`, a loss
`p - WIN`; positions the search cannot see to the end get a heuristic far below `WIN - 42`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 7
HEIGHT = 6
H1 = HEIGHT + 1
CELLS = WIDTH * HEIGHT
BOTTOM = sum(1 << (c * H1) for c in range(WIDTH))
BOARD = BOTTOM * ((1 << HEIGHT) - 1)
COLUMN_MASKS = tuple(((1 << HEIGHT) - 1) << (c * H1) for c in range(WIDTH))
ORDER = (3, 2, 4, 1, 5, 0, 6)  # centre first: central discs take part in more lines
CENTRE = COLUMN_MASKS[3]

WIN = 1000
HEURISTIC_LIMIT = 500  # heuristic scores stay within +-this, far from any proven result

LEVELS = ("easy", "medium", "hard")
HARD_BUDGET = 0.6  # seconds; the hard bot answers within about this (plus one node batch)
MEDIUM_DEPTH = 4
EASY_SEES_WIN = 0.5  # how often the easy bot notices a win in one

EXACT, LOWER, UPPER = 0, 1, 2


def from_moves(moves: Sequence[int]) -> tuple[int, int]:
    """(own, mask) after `moves` (columns, from the empty board), seen by the player to move."""
    own = mask = 0
    for column in moves:
        own ^= mask
        mask |= mask + (1 << (column * H1)) & COLUMN_MASKS[column]
    return own, mask


def possible(mask: int) -> int:
    """One bit per column that has room: the cell a disc dropped there lands on."""
    return (mask + BOTTOM) & BOARD


def winning_cells(own: int, mask: int) -> int:
    """Empty cells (reachable or not) that would complete four for the owner of `own`."""
    # Vertical: three above each other, the cell on top.
    r = (own << 1) & (own << 2) & (own << 3)
    # Horizontal (shift H1), then the two diagonals (shifts HEIGHT and H1 + 1).
    for s in (H1, HEIGHT, H1 + 1):
        p = (own << s) & (own << 2 * s)
        r |= p & (own << 3 * s)
        r |= p & (own >> s)
        p = (own >> s) & (own >> 2 * s)
        r |= p & (own << s)
        r |= p & (own >> 3 * s)
    return r & (BOARD ^ mask)


def column_of(move: int) -> int:
    return (move.bit_length() - 1) // H1


def evaluate(own: int, mask: int) -> int:
    """A heuristic for the player to move: threats (cells that would complete four) and the centre."""
    opp = own ^ mask
    mine = winning_cells(own, mask)
    theirs = winning_cells(opp, mask)
    score = 8 * (mine.bit_count() - theirs.bit_count())
    score += 2 * ((own & CENTRE).bit_count() - (opp & CENTRE).bit_count())
    return max(-HEURISTIC_LIMIT, min(HEURISTIC_LIMIT, score))


class _OutOfTime(Exception):
    pass


class Search:
    """One hard-bot decision: a transposition table and a deadline, used by iterative deepening."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.table: dict[int, tuple[int, int, int, int]] = {}  # key -> (depth, flag, score, best move)
        self.nodes = 0

    def negamax(self, own: int, mask: int, ply: int, depth: int, alpha: int, beta: int) -> int:
        self.nodes += 1
        if self.nodes & 1023 == 0 and time.perf_counter() > self.deadline:
            raise _OutOfTime
        moves = possible(mask)
        if winning_cells(own, mask) & moves:
            return WIN - (ply + 1)
        if ply >= CELLS - 1:  # the last disc cannot win (checked above): a draw
            return 0
        opp_wins = winning_cells(own ^ mask, mask)
        forced = moves & opp_wins
        if forced:
            if forced & (forced - 1):  # two threats: one can be blocked, the other wins
                return (ply + 2) - WIN
            moves = forced
        moves &= ~(opp_wins >> 1)  # never play directly under the opponent's winning cell
        if not moves:
            return (ply + 2) - WIN
        if depth <= 0:
            return evaluate(own, mask)

        alpha_in = alpha
        key = own + mask
        entry = self.table.get(key)
        first = 0
        if entry is not None:
            e_depth, flag, value, first = entry
            if e_depth >= depth:
                if flag == EXACT:
                    return value
                if flag == LOWER:
                    alpha = max(alpha, value)
                else:
                    beta = min(beta, value)
                if alpha >= beta:
                    return value

        best, best_move = -WIN - 1, 0
        for move in self._ordered(moves, first):
            score = -self.negamax(own ^ mask, mask | move, ply + 1, depth - 1, -beta, -alpha)
            if score > best:
                best, best_move = score, move
            if score > alpha:
                alpha = score
            if alpha >= beta:
                break
        flag = UPPER if best <= alpha_in else LOWER if best >= beta else EXACT
        self.table[key] = (depth, flag, best, best_move)
        return best

    @staticmethod
    def _ordered(moves: int, first: int) -> list[int]:
        ordered = [first] if first & moves else []
        for column in ORDER:
            move = moves & COLUMN_MASKS[column]
            if move and move != first:
                ordered.append(move)
        return ordered

    def root(self, own: int, mask: int, ply: int, depth: int) -> tuple[int, int]:
        """(best column, score) at `depth`, searching the previous best move first."""
        entry = self.table.get(own + mask)
        first = entry[3] if entry else 0
        moves = possible(mask) & ~(winning_cells(own ^ mask, mask) >> 1)
        if not moves:  # every move loses at once: play any
            moves = possible(mask)
        alpha, beta = -WIN - 1, WIN + 1
        best_move, best = 0, -WIN - 1
        for move in self._ordered(moves, first):
            score = -self.negamax(own ^ mask, mask | move, ply + 1, depth - 1, -beta, -alpha)
            if score > best:
                best, best_move = score, move
            alpha = max(alpha, score)
        self.table[own + mask] = (depth, EXACT, best, best_move)
        return column_of(best_move), best


def immediate(own: int, mask: int) -> int | None:
    """The column that wins now, else the one that blocks the opponent's win in one, else None."""
    moves = possible(mask)
    for bits in (winning_cells(own, mask) & moves, winning_cells(own ^ mask, mask) & moves):
        if bits:
            for column in ORDER:
                if bits & COLUMN_MASKS[column]:
                    return column
    return None


@dataclass(frozen=True, slots=True)
class Decision:
    column: int
    depth: int  # of the deepest search that finished (0: no search was needed)
    nodes: int
    proven: bool  # the score is a forced win or loss, not a heuristic


def decide(moves: Sequence[int], budget: float) -> Decision:
    """The hard bot's move after `moves`, with what it took to find it."""
    own, mask = from_moves(moves)
    ply = len(moves)
    if ply == 0:
        return Decision(3, 0, 0, False)
    forced = immediate(own, mask)
    if forced is not None:
        return Decision(forced, 0, 0, True)
    search = Search(time.perf_counter() + budget)
    best = column_of(possible(mask) & -possible(mask))  # any legal move, until a search finishes
    depth, proven = 0, False
    for limit in range(1, CELLS - ply + 1):
        try:
            best, score = search.root(own, mask, ply, limit)
        except _OutOfTime:
            break
        depth = limit
        if abs(score) > WIN - CELLS - 1:  # proven: a forced win to play, or a loss to delay
            proven = True
            break
    return Decision(best, depth, search.nodes, proven)


def hard(moves: Sequence[int], budget: float) -> int:
    return decide(moves, budget).column


def medium(moves: Sequence[int], rng: random.Random) -> int:
    """A short full-width search; among moves that score best, a random one."""
    own, mask = from_moves(moves)
    forced = immediate(own, mask)
    if forced is not None:
        return forced
    search = Search(float("inf"))
    ply = len(moves)
    scores: dict[int, int] = {}
    for column in ORDER:
        move = possible(mask) & COLUMN_MASKS[column]
        if move:
            scores[column] = -search.negamax(own ^ mask, mask | move, ply + 1, MEDIUM_DEPTH - 1, -WIN - 1, WIN + 1)
    top = max(scores.values())
    return rng.choice([c for c, s in scores.items() if s == top])


def easy(moves: Sequence[int], rng: random.Random) -> int:
    """A random column; it notices a win in one only some of the time."""
    own, mask = from_moves(moves)
    moves_bits = possible(mask)
    wins = winning_cells(own, mask) & moves_bits
    if wins and rng.random() < EASY_SEES_WIN:
        return column_of(wins & -wins)
    return rng.choice([c for c in range(WIDTH) if moves_bits & COLUMN_MASKS[c]])


def choose(moves: Sequence[int], level: str, *, rng: random.Random, budget: float = HARD_BUDGET) -> int:
    """The column a bot of `level` plays after `moves` (a game that is not over)."""
    if level == "hard":
        return hard(moves, budget)
    if level == "medium":
        return medium(moves, rng)
    return easy(moves, rng)
