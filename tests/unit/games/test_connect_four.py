"""Connect Four rules: wins in all four directions, the full-board draw, refusals, seats, encode/view."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctum.domains.games.engine.sdk import ErrorCode, Outcome
from sanctum.domains.games.plugins.connect_four import COLUMNS, ROWS, ConnectFour, ConnectFourState, line_through
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

GAME = ConnectFour(seed=7, hard_budget=0.05)
# A full board without four in a row anywhere: rows alternate "AABBAAB" / "BBAABBA", filled row by row.
DRAW = [0, 2, 1, 3, 4, 6, 5] * ROWS


def started() -> ConnectFourState:
    return seated(GAME, GAME.init(GAME.options_model()), ALICE, BOB)


def play(*columns: int) -> ConnectFourState:
    state = started()
    for column in columns:
        mover = state.players[state.turn]
        state = accepted(untouched(GAME, state, lambda s, c=column, m=mover: GAME.handle(s, m, {"column": c})))
    return state


@pytest.mark.parametrize(
    ("moves", "cells"),
    [
        pytest.param([0, 0, 1, 1, 2, 2, 3], [[5, 0], [5, 1], [5, 2], [5, 3]], id="horizontal"),
        pytest.param([4, 5, 4, 5, 4, 5, 4], [[2, 4], [3, 4], [4, 4], [5, 4]], id="vertical"),
        pytest.param([0, 1, 1, 2, 3, 2, 2, 3, 6, 3, 3], [[5, 0], [4, 1], [3, 2], [2, 3]], id="diagonal-up"),
        pytest.param([6, 5, 5, 4, 3, 4, 4, 3, 0, 3, 3], [[2, 3], [3, 4], [4, 5], [5, 6]], id="diagonal-down"),
    ],
)
def test_four_in_a_row_wins_in_every_direction(moves: list[int], cells: list[list[int]]) -> None:
    state = play(*moves)
    assert GAME.result(state) == Outcome((ALICE.id,), "four_in_a_row")
    view = GAME.view(state, BOB)
    assert sorted(view["winning_cells"]) == sorted(cells)
    assert view["status"] == "finished"
    assert view["turn"] is None
    assert view["playable"] == []


def test_bob_wins_with_the_second_seat() -> None:
    state = play(0, 1, 0, 1, 2, 1, 6, 1)
    assert GAME.result(state) == Outcome((BOB.id,), "four_in_a_row")


def test_a_longer_line_counts_every_disc() -> None:
    # Alice fills 0, 1, 2 and 4, then drops into 3: five in a row.
    state = play(0, 0, 1, 1, 2, 2, 4, 4, 3)
    assert GAME.result(state) == Outcome((ALICE.id,), "four_in_a_row")
    assert sorted(GAME.view(state, None)["winning_cells"]) == [[5, c] for c in range(5)]


def test_full_board_without_four_is_a_draw() -> None:
    state = play(*DRAW[:-1])
    assert GAME.result(state) is None
    state = accepted(GAME.handle(state, state.players[state.turn], {"column": DRAW[-1]}))
    assert GAME.result(state) == Outcome((), "board_full")
    assert all(cell is not None for row in GAME.view(state, None)["board"] for cell in row)


@pytest.mark.parametrize(
    "move",
    [
        {"column": -1},
        {"column": COLUMNS},
        {"column": "3"},
        {"column": 3.0},
        {"column": True},
        {"column": None},
        {},
        {"col": 3},
    ],
)
def test_malformed_moves_are_invalid(move: dict[str, Any]) -> None:
    state = started()
    error = refused(untouched(GAME, state, lambda s: GAME.handle(s, ALICE, move)), ErrorCode.INVALID_MOVE)
    assert error.details.get("field") == "column"


def test_a_move_that_is_not_an_object_is_invalid() -> None:
    refused(GAME.handle(started(), ALICE, [3]), ErrorCode.INVALID_MOVE)  # type: ignore[arg-type]


def test_a_full_column_refuses_a_disc() -> None:
    state = play(2, 2, 2, 2, 2, 2)
    assert GAME.result(state) is None
    error = refused(GAME.handle(state, ALICE, {"column": 2}), ErrorCode.INVALID_MOVE)
    assert error.details == {"column": 2}
    assert 2 not in GAME.view(state, ALICE)["playable"]


def test_turn_order_and_seats() -> None:
    state = seated(GAME, GAME.init(GAME.options_model()), ALICE)
    refused(GAME.handle(state, ALICE, {"column": 3}), ErrorCode.NOT_STARTED)
    state = seated(GAME, state, BOB)
    refused(GAME.handle(state, BOB, {"column": 3}), ErrorCode.NOT_YOUR_TURN)
    refused(GAME.handle(state, CAROL, {"column": 3}), ErrorCode.NOT_IN_ROOM)
    state = accepted(GAME.handle(state, ALICE, {"column": 3}))
    error = refused(GAME.handle(state, ALICE, {"column": 3}), ErrorCode.NOT_YOUR_TURN)
    assert error.details == {"turn": BOB.id}
    assert GAME.view(state, None)["turn"] == BOB.id
    refused(GAME.join_attempt(state, CAROL), ErrorCode.ROOM_FULL)
    refused(GAME.join_attempt(state, ALICE), ErrorCode.ALREADY_IN_ROOM)
    assert GAME.on_join(state, CAROL) is state


def test_nothing_moves_once_the_game_is_over() -> None:
    state = play(0, 1, 0, 1, 0, 1, 0)
    refused(GAME.handle(state, BOB, {"column": 5}), ErrorCode.GAME_OVER)
    refused(GAME.join_attempt(state, CAROL), ErrorCode.GAME_OVER)
    assert GAME.on_leave(state, BOB) is state
    assert GAME.bot_move(state, BOB, "hard") is None


def test_leaving_before_the_start_frees_the_seat_and_during_the_game_forfeits() -> None:
    waiting = seated(GAME, GAME.init(GAME.options_model()), ALICE)
    assert GAME.on_leave(waiting, ALICE).players == ()
    assert GAME.on_leave(waiting, CAROL) is waiting
    state = GAME.on_leave(play(3), ALICE)
    assert GAME.result(state) == Outcome((BOB.id,), "forfeit")
    assert GAME.decode(GAME.encode(state)) == state


def test_view_shows_board_top_first_and_who_sees_it() -> None:
    state = play(3, 3)
    view = GAME.view(state, BOB)
    assert view["board"][ROWS - 1][3] == 0 and view["board"][ROWS - 2][3] == 1
    assert view["last_move"] == {"column": 3, "row": ROWS - 2}
    assert view["you"] == 1 and GAME.view(state, None)["you"] is None
    assert [p["id"] for p in view["players"]] == [ALICE.id, BOB.id]
    assert view["status"] == "playing" and view["turn_seat"] == 0
    assert GAME.view(GAME.init(GAME.options_model()), None)["status"] == "waiting"


def test_decode_refuses_impossible_histories() -> None:
    data = GAME.encode(play(0, 1))
    for moves in ([7], ["x"], [0] * 7, [0, 1, 0, 1, 0, 1, 0, 1]):
        with pytest.raises(ValueError):
            GAME.decode({**data, "moves": moves})


def test_line_through_ignores_short_lines() -> None:
    state = play(0, 6, 1, 6, 2)
    assert line_through(state.columns, 2, 0) == ()


def test_bot_move_only_on_the_bots_turn() -> None:
    state = play(3)
    assert GAME.bot_move(state, ALICE, "easy") is None
    assert GAME.bot_move(state, CAROL, "easy") is None
    move = GAME.bot_move(state, BOB, "medium")
    assert move is not None
    accepted(GAME.handle(state, BOB, move))


# -- properties ---------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None)
@given(choices=st.lists(st.integers(0, 1000), max_size=45), junk=st.lists(JSON, max_size=4))
def test_random_legal_play_keeps_every_invariant(choices: list[int], junk: list[Any]) -> None:
    state = started()
    for choice in choices:
        if GAME.result(state) is not None:
            break
        mover = state.players[state.turn]
        for bad in junk:  # untrusted input is refused cleanly and leaves the state as it was
            move = bad if isinstance(bad, dict) else {"column": bad}
            outcome = untouched(GAME, state, lambda s, m=move, p=mover: GAME.handle(s, p, m))
            if not isinstance(outcome, ConnectFourState):
                assert outcome.code == ErrorCode.INVALID_MOVE
        playable = GAME.view(state, None)["playable"]
        column = playable[choice % len(playable)]
        after = accepted(untouched(GAME, state, lambda s, c=column, p=mover: GAME.handle(s, p, {"column": c})))
        assert len(after.moves) == len(state.moves) + 1
        assert len(after.columns[column]) == len(state.columns[column]) + 1
        state = after

    discs = [cell for column in state.columns for cell in column]
    assert all(len(column) <= ROWS for column in state.columns)
    assert len(discs) == len(state.moves)
    assert discs.count(0) - discs.count(1) in (0, 1)
    outcome = GAME.result(state)
    if outcome is not None and outcome.reason == "four_in_a_row":
        last = state.moves[-1]
        mover = (len(state.moves) - 1) % 2
        assert outcome.winners == (state.players[mover].id,)
        assert len(state.winning_cells) >= 4
        assert state.winning_cells == line_through(state.columns, last, len(state.columns[last]) - 1)
    elif outcome is not None:
        assert outcome == Outcome((), "board_full") and len(state.moves) == COLUMNS * ROWS
    else:
        assert state.winning_cells == ()
    round_trips(GAME, state)
    every_callback_leaves_it_alone(GAME, state, "easy")
