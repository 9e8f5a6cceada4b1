"""Reversi rules: flanking and flipping, passes, the end when neither side can move, refusals, bots."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctum.domains.games.engine.sdk import ErrorCode, Outcome, Player
from sanctum.domains.games.plugins.reversi import SIZE, Reversi, ReversiState, best_move, counts, legal_moves
from tests.unit.games.support import (
    ALICE,
    BOB,
    CAROL,
    accepted,
    every_callback_leaves_it_alone,
    refused,
    round_trips,
    seated,
    untouched,
)

GAME = Reversi(seed=3)


def started() -> ReversiState:
    return seated(GAME, GAME.init(GAME.options_model()), ALICE, BOB)


def position(rows: dict[int, str], turn: int = 0) -> ReversiState:
    """A running game with the given rows ('.' empty, '0' black, '1' white); other rows empty."""
    data = GAME.encode(started())
    board = [rows.get(r, "." * SIZE) for r in range(SIZE)]
    return GAME.decode({**data, "board": board, "turn": turn})


def test_the_opening_position_and_first_moves() -> None:
    state = started()
    view = GAME.view(state, ALICE)
    assert view["counts"] == [2, 2] and view["turn"] == ALICE.id and view["you"] == 0
    assert sorted(map(tuple, view["legal"])) == [(2, 3), (3, 2), (4, 5), (5, 4)]
    state = accepted(untouched(GAME, state, lambda s: GAME.handle(s, ALICE, {"row": 2, "col": 3})))
    assert counts(state.board) == (4, 1)
    assert state.flipped == ((3, 3),) and state.turn == 1
    assert GAME.view(state, None)["board"][3][3] == 0


def test_a_move_flips_every_flanked_line_and_only_those() -> None:
    rows = {1: ".0.0....", 2: "..110...", 3: "011.10..", 4: "..11....", 5: ".0.1....", 6: "...1...."}
    after = accepted(GAME.handle(position(rows), ALICE, {"row": 3, "col": 3}))
    # Left two, right one, up one, up-left one, down-left one; the line down has no black end.
    assert set(after.flipped) == {(3, 1), (3, 2), (3, 4), (2, 3), (2, 2), (4, 2)}
    assert {tuple(cell) for cell in GAME.view(after, None)["flipped"]} == set(after.flipped)
    assert all(after.board[r * SIZE + c] == 0 for r, c in after.flipped)
    assert [after.board[r * SIZE + 3] for r in (4, 5, 6)] == [1, 1, 1]


@pytest.mark.parametrize(
    "move",
    [
        {"row": 3, "col": 3},
        {"row": 0, "col": 0},
        {"row": 8, "col": 0},
        {"row": 2},
        {"row": "2", "col": 3},
        {"row": 2, "col": 3.0},
    ],
)
def test_illegal_moves_are_refused(move: dict[str, Any]) -> None:
    refused(untouched(GAME, started(), lambda s: GAME.handle(s, ALICE, move)), ErrorCode.INVALID_MOVE)


def test_turns_and_seats() -> None:
    alone = seated(GAME, GAME.init(GAME.options_model()), ALICE)
    refused(GAME.handle(alone, ALICE, {"row": 2, "col": 3}), ErrorCode.NOT_STARTED)
    state = started()
    refused(GAME.handle(state, BOB, {"row": 2, "col": 4}), ErrorCode.NOT_YOUR_TURN)
    refused(GAME.handle(state, CAROL, {"row": 2, "col": 3}), ErrorCode.NOT_IN_ROOM)
    refused(GAME.join_attempt(state, CAROL), ErrorCode.ROOM_FULL)
    assert GAME.result(GAME.on_leave(state, BOB)) == Outcome((ALICE.id,), "forfeit")


def test_a_player_without_a_move_passes_and_the_game_ends_when_nobody_can_move() -> None:
    state = position({0: "011.....", 7: "01......"})
    state = accepted(GAME.handle(state, ALICE, {"row": 0, "col": 3}))
    assert GAME.result(state) is None
    assert state.turn == 0 and state.passed == 1  # white has no move: black goes again
    view = GAME.view(state, BOB)
    assert view["passed"] == 1 and view["turn"] == ALICE.id and view["legal"] == [[7, 2]]
    refused(GAME.handle(state, BOB, {"row": 6, "col": 0}), ErrorCode.NOT_YOUR_TURN)
    state = accepted(GAME.handle(state, ALICE, {"row": 7, "col": 2}))
    assert GAME.result(state) == Outcome((ALICE.id,), "most_discs")
    refused(GAME.handle(state, BOB, {"row": 0, "col": 4}), ErrorCode.GAME_OVER)
    assert GAME.view(state, None)["counts"] == [7, 0]


def test_equal_discs_at_the_end_is_a_draw() -> None:
    rows = {0: ".1000000", 1: "0" * 8, 2: "0" * 8, 3: "0" * 8, 4: "1" * 8, 5: "1" * 8, 6: "1" * 8, 7: "1" * 8}
    state = accepted(GAME.handle(position(rows), ALICE, {"row": 0, "col": 0}))
    assert GAME.result(state) == Outcome((), "most_discs")
    assert counts(state.board) == (32, 32)


def test_white_can_win() -> None:
    state = accepted(GAME.handle(position({0: "100.....", 7: "1......."}, turn=1), BOB, {"row": 0, "col": 3}))
    assert GAME.result(state) == Outcome((BOB.id,), "most_discs")


def test_decode_refuses_a_bad_board() -> None:
    data = GAME.encode(started())
    for board in (["." * 8] * 7, ["." * 7] * 8, ["x" * 8] * 8):
        with pytest.raises(ValueError):
            GAME.decode({**data, "board": board})


@pytest.mark.parametrize("level", GAME.bot_levels)
def test_bots_make_legal_moves_only_on_their_turn(level: str) -> None:
    state = started()
    assert GAME.bot_move(state, BOB, level) is None
    move = GAME.bot_move(state, ALICE, level)
    assert move is not None
    accepted(GAME.handle(state, ALICE, move))


def test_medium_takes_a_corner_over_a_plain_cell() -> None:
    state = position({0: ".110....", 4: "....10.."})
    assert sorted(legal_moves(state.board, 0)) == [(0, 0), (4, 3)]
    assert GAME.bot_move(state, ALICE, "medium") == {"row": 0, "col": 0}


@settings(max_examples=40, deadline=None)
@given(choices=st.lists(st.integers(0, 1000), min_size=1, max_size=70))
def test_random_legal_play_keeps_every_invariant(choices: list[int]) -> None:
    state = started()
    played = 0
    for choice in choices:
        if GAME.result(state) is not None:
            break
        seat = state.turn
        moves = legal_moves(state.board, seat)
        assert moves, "the player to move always has a move while the game runs"
        row, col = moves[choice % len(moves)]
        after = accepted(
            untouched(GAME, state, lambda s, r=row, c=col: GAME.handle(s, s.players[s.turn], {"row": r, "col": c}))
        )
        played += 1
        assert after.flipped, "a move turns at least one disc over"
        assert counts(after.board)[seat] == counts(state.board)[seat] + len(after.flipped) + 1
        state = after
    assert sum(counts(state.board)) == 4 + played
    if GAME.result(state) is not None:
        assert not legal_moves(state.board, 0) and not legal_moves(state.board, 1)
        black, white = counts(state.board)
        winners = GAME.result(state).winners  # type: ignore[union-attr]
        assert winners == (() if black == white else (ALICE.id,) if black > white else (BOB.id,))
    round_trips(GAME, state)
    every_callback_leaves_it_alone(GAME, state, "medium")


def test_hard_takes_a_corner_and_finishes_a_game() -> None:
    state = position({0: ".110....", 4: "....10.."})
    assert GAME.bot_move(state, ALICE, "hard") == {"row": 0, "col": 0}
    # The only move left turns both white discs and ends the game.
    assert best_move(position({0: "01.10..."}).board, 0, 4) == (0, 2)


def test_hard_beats_easy_with_either_colour() -> None:
    game = Reversi(seed=11)
    hard, easy = Player("bot:hard", "Hard", True), Player("bot:easy", "Easy", True)
    for order in ((hard, easy), (easy, hard)):
        state = seated(game, game.init(game.options_model()), *order)
        while game.result(state) is None:
            mover = state.players[state.turn]
            move = game.bot_move(state, mover, "hard" if mover is hard else "easy")
            assert move is not None
            state = accepted(game.handle(state, mover, move))
        assert game.result(state) == Outcome((hard.id,), "most_discs")
