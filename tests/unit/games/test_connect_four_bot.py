"""Connect Four bots: the hard bot takes wins, blocks losses, finds forced wins, beats easy every time."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctum.domains.games.engine.sdk import Player
from sanctum.domains.games.plugins import connect_four_bot as bot
from sanctum.domains.games.plugins.connect_four import ConnectFour
from tests.unit.games.support import accepted, seated

# Small, so 50 games stay fast; the hard bot still searches several plies deep in this time.
TEST_BUDGET = 0.03

# (moves so far, the only right column) where the player to move can win at once.
WINS = [
    pytest.param([3, 4, 3, 4, 3, 4], 3, id="vertical-before-blocking"),
    pytest.param([0, 0, 1, 1, 2, 2], 3, id="horizontal"),
    pytest.param([0, 1, 1, 2, 3, 2, 2, 3, 6, 3], 3, id="diagonal"),
    pytest.param([0, 1, 0, 1, 2, 1, 6], 1, id="second-player"),
]
# (moves so far, the only column that does not lose at once).
BLOCKS = [
    pytest.param([0, 6, 1, 6, 2], 3, id="horizontal"),
    pytest.param([3, 0, 3, 1, 3], 3, id="vertical"),
    pytest.param([0, 1, 1, 2, 3, 2, 2, 3, 6, 3, 0], 3, id="diagonal"),
    pytest.param([6, 0, 5, 1, 6, 2], 3, id="first-player"),
]


def immediate_win(moves: list[int]) -> bool:
    own, mask = bot.from_moves(moves)
    return bool(bot.winning_cells(own, mask) & bot.possible(mask))


@pytest.mark.parametrize("level", ["hard", "medium"])
@pytest.mark.parametrize(("moves", "column"), WINS)
def test_takes_an_immediate_win(level: str, moves: list[int], column: int) -> None:
    assert bot.choose(moves, level, rng=random.Random(1), budget=TEST_BUDGET) == column


@pytest.mark.parametrize("level", ["hard", "medium"])
@pytest.mark.parametrize(("moves", "column"), BLOCKS)
def test_blocks_an_immediate_loss(level: str, moves: list[int], column: int) -> None:
    assert not immediate_win(moves)  # nothing to win: the block is the only move that does not lose
    assert bot.choose(moves, level, rng=random.Random(1), budget=TEST_BUDGET) == column


@pytest.mark.parametrize(
    "moves",
    [
        pytest.param([3, 3, 4, 4], id="open-three-on-the-floor"),
        pytest.param([3, 0, 2, 0, 3, 6, 3, 3, 2, 2], id="midgame"),
    ],
)
def test_plays_a_forced_win_it_can_see(moves: list[int]) -> None:
    column = bot.choose(moves, "hard", rng=random.Random(1), budget=0.3)
    after = [*moves, column]
    assert not immediate_win(after), "the move must not hand the opponent a win"
    _, mask = bot.from_moves(after)
    for reply in range(bot.WIDTH):
        if bot.possible(mask) & bot.COLUMN_MASKS[reply]:
            assert immediate_win([*after, reply]) or bot_wins_by_search([*after, reply])


def bot_wins_by_search(moves: list[int]) -> bool:
    own, mask = bot.from_moves(moves)
    search = bot.Search(float("inf"))
    _, score = search.root(own, mask, len(moves), 5)
    return score > bot.WIN - bot.CELLS - 1


def test_the_empty_board_opens_in_the_centre_and_answers_fast() -> None:
    assert bot.choose([], "hard", rng=random.Random(1)) == 3
    start = time.perf_counter()
    column = bot.choose([3, 3, 2, 4], "hard", rng=random.Random(1))  # the default budget
    assert time.perf_counter() - start < 1.0
    assert 0 <= column < bot.WIDTH


def test_easy_makes_legal_moves_and_sometimes_misses_a_win() -> None:
    picks = [bot.choose([0, 0, 1, 1, 2, 2], "easy", rng=random.Random(seed)) for seed in range(40)]
    assert 3 in picks  # it does take wins
    assert any(p != 3 for p in picks)  # and misses some
    full = [0] * 6
    assert all(bot.choose(full, "easy", rng=random.Random(s)) != 0 for s in range(20))


def test_hard_never_loses_to_easy_in_fifty_games() -> None:
    game = ConnectFour(seed=2024, hard_budget=TEST_BUDGET)
    hard, easy = Player("bot:hard", "Hard", True), Player("bot:easy", "Easy", True)
    wins = 0
    for number in range(50):
        order = (hard, easy) if number % 2 == 0 else (easy, hard)
        state = seated(game, game.init(game.options_model()), *order)
        while game.result(state) is None:
            mover = state.players[state.turn]
            move = game.bot_move(state, mover, "hard" if mover is hard else "easy")
            assert move is not None
            state = accepted(game.handle(state, mover, move))
        outcome = game.result(state)
        assert outcome is not None
        assert easy.id not in outcome.winners, f"game {number}: {state.moves}"
        wins += outcome.winners == (hard.id,)
    assert wins >= 45


@settings(max_examples=30, deadline=None)
@given(choices=st.lists(st.integers(0, 6), max_size=30), seed=st.integers(0, 1000))
def test_every_level_plays_a_legal_column_and_the_stronger_ones_win_or_block(choices: list[int], seed: int) -> None:
    moves: list[int] = []
    for choice in choices:
        own, mask = bot.from_moves(moves)
        if immediate_win(moves) or not bot.possible(mask):
            break  # the game would be over after the next move, or is full
        columns = [c for c in range(bot.WIDTH) if bot.possible(mask) & bot.COLUMN_MASKS[c]]
        moves.append(columns[choice % len(columns)])
    own, mask = bot.from_moves(moves)
    if not bot.possible(mask):
        return
    wins = bot.winning_cells(own, mask) & bot.possible(mask)
    threats = bot.winning_cells(own ^ mask, mask) & bot.possible(mask)
    for level in bot.LEVELS:
        column = bot.choose(moves, level, rng=random.Random(seed), budget=0.01)
        assert bot.possible(mask) & bot.COLUMN_MASKS[column], (level, moves, column)
        if level == "easy":
            continue
        if wins:
            assert wins & bot.COLUMN_MASKS[column], "a win in one is always taken"
        elif threats and not threats & (threats - 1):
            assert threats & bot.COLUMN_MASKS[column], "a single threat is always blocked"
