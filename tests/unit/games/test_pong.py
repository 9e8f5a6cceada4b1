"""Pong: the tick (walls, paddles, points, serves, the end), paddle moves, the bots, invariants."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sanctum.domains.games.engine.sdk import ErrorCode, Outcome, Player
from sanctum.domains.games.plugins.pong import (
    BALL_RADIUS,
    FACES,
    HEIGHT,
    MAX_DT,
    MAX_SPEED,
    PADDLE_HALF,
    PADDLE_SPEED,
    SERVE_DELAY,
    WIDTH,
    Pong,
    PongOptions,
    PongState,
)
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

GAME = Pong()
DT = 1 / GAME.tick_rate


def started(points: int = 5) -> PongState:
    return seated(GAME, GAME.init(PongOptions(points_to_win=points)), ALICE, BOB)


def in_play(**changes: Any) -> PongState:
    """A running rally (no serve pause) with the given fields changed."""
    return replace(started(), serve_in=0.0, **changes)


def test_the_ball_waits_for_the_serve_then_moves() -> None:
    state = started()
    assert GAME.tick(seated(GAME, GAME.init(PongOptions()), ALICE), DT).time == 0  # not started: frozen
    state = GAME.tick(state, SERVE_DELAY / 3)
    assert state.ball == (WIDTH / 2, HEIGHT / 2) and state.serve_in == pytest.approx(SERVE_DELAY * 2 / 3)
    state = GAME.tick(GAME.tick(GAME.tick(state, SERVE_DELAY / 3), SERVE_DELAY / 3), DT)
    assert state.ball[0] < WIDTH / 2  # the first serve goes to the left (seat 0)


def test_the_ball_bounces_off_the_walls() -> None:
    state = GAME.tick(in_play(ball=(50.0, BALL_RADIUS + 0.5), velocity=(10.0, -30.0)), DT)
    assert state.velocity[1] > 0 and state.ball[1] >= BALL_RADIUS
    state = GAME.tick(in_play(ball=(50.0, HEIGHT - BALL_RADIUS - 0.5), velocity=(10.0, 30.0)), DT)
    assert state.velocity[1] < 0 and state.ball[1] <= HEIGHT - BALL_RADIUS


@pytest.mark.parametrize("seat", [0, 1])
def test_a_paddle_returns_the_ball_faster_and_angled_by_where_it_hits(seat: int) -> None:
    sign = 1 if seat == 0 else -1
    x = FACES[seat] + sign * (BALL_RADIUS + 1)
    paddles = (30.0, 30.0)
    centre = GAME.tick(in_play(ball=(x, 30.0), velocity=(-sign * 45.0, 0.0), paddles=paddles), DT)
    assert centre.velocity[0] * sign > 0 and centre.hits == 1
    assert math.hypot(*centre.velocity) > 45.0
    assert centre.velocity[1] == pytest.approx(0.0, abs=1e-9)
    edge = GAME.tick(in_play(ball=(x, 30.0 + PADDLE_HALF), velocity=(-sign * 45.0, 0.0), paddles=paddles), DT)
    assert edge.velocity[0] * sign > 0 and edge.velocity[1] > 10  # off the lower edge: sent downwards


def test_even_a_long_tick_never_lets_the_fastest_ball_through_a_paddle() -> None:
    state = GAME.tick(in_play(ball=(40.0, 30.0), velocity=(-MAX_SPEED, 0.0)), 5.0)
    assert state.time == pytest.approx(MAX_DT)  # a stall is played as at most MAX_DT
    assert state.hits >= 1 and state.score == (0, 0)


def test_a_missed_ball_scores_and_is_served_towards_the_loser() -> None:
    state = GAME.tick(in_play(ball=(FACES[0] - 1.5, 30.0), velocity=(-60.0, 0.0), paddles=(PADDLE_HALF, 30.0)), DT)
    assert state.score == (0, 1)
    assert state.ball == (WIDTH / 2, HEIGHT / 2) and state.serve_in == pytest.approx(SERVE_DELAY, abs=DT)
    assert state.velocity[0] < 0 and state.hits == 0
    state = GAME.tick(in_play(ball=(FACES[1] + 1.5, 30.0), velocity=(60.0, 0.0), paddles=(30.0, PADDLE_HALF)), DT)
    assert state.score == (1, 0) and state.velocity[0] > 0


def test_the_first_to_the_target_wins() -> None:
    state = in_play(ball=(WIDTH - 1, 30.0), velocity=(60.0, 0.0), paddles=(30.0, PADDLE_HALF), score=(4, 2))
    state = GAME.tick(state, DT)
    assert GAME.result(state) == Outcome((ALICE.id,), "points")
    assert state.score == (5, 2)
    assert GAME.tick(state, DT) is state
    refused(GAME.handle(state, ALICE, {"dir": 1}), ErrorCode.GAME_OVER)
    assert GAME.view(state, None)["status"] == "finished"


def test_moves_steer_a_paddle_within_the_field() -> None:
    state = accepted(untouched(GAME, started(), lambda s: GAME.handle(s, BOB, {"dir": 1})))
    assert state.dirs == (0, 1)
    later = GAME.tick(state, 0.2)
    assert later.paddles[1] == pytest.approx(HEIGHT / 2 + 0.2 * PADDLE_SPEED)
    assert later.paddles[0] == HEIGHT / 2
    assert GAME.tick(GAME.tick(later, MAX_DT), MAX_DT).paddles[1] == HEIGHT - PADDLE_HALF
    up = GAME.tick(accepted(GAME.handle(started(), ALICE, {"dir": -1})), MAX_DT)
    assert up.paddles[0] == PADDLE_HALF


@pytest.mark.parametrize("move", [{"dir": 2}, {"dir": "1"}, {"dir": True}, {"dir": 0.5}, {}, {"dir": None}])
def test_malformed_moves_are_invalid(move: dict[str, Any]) -> None:
    refused(untouched(GAME, started(), lambda s: GAME.handle(s, ALICE, move)), ErrorCode.INVALID_MOVE)


def test_seats_and_refusals() -> None:
    alone = seated(GAME, GAME.init(PongOptions()), ALICE)
    refused(GAME.handle(alone, ALICE, {"dir": 1}), ErrorCode.NOT_STARTED)
    refused(GAME.handle(started(), CAROL, {"dir": 1}), ErrorCode.NOT_IN_ROOM)
    refused(GAME.join_attempt(started(), CAROL), ErrorCode.ROOM_FULL)
    assert GAME.result(GAME.on_leave(started(), ALICE)) == Outcome((BOB.id,), "forfeit")
    assert GAME.on_leave(alone, ALICE).players == ()


@pytest.mark.parametrize("dt", [0.0, -1.0, math.nan, math.inf])
def test_a_meaningless_dt_changes_nothing(dt: float) -> None:
    state = started()
    assert GAME.tick(state, dt) is state


def test_options_are_validated() -> None:
    assert GAME.init(PongOptions(points_to_win=3)).points_to_win == 3
    for bad in ({"points_to_win": 0}, {"points_to_win": 22}, {"speed": 2}):
        with pytest.raises(ValidationError):
            PongOptions.model_validate(bad)


def test_the_hard_bot_beats_the_easy_bot() -> None:
    hard, easy = Player("bot:hard", "Hard", True), Player("bot:easy", "Easy", True)
    state = seated(GAME, GAME.init(PongOptions(points_to_win=3)), easy, hard)
    for _ in range(GAME.tick_rate * 240):
        if GAME.result(state) is not None:
            break
        for bot, level in ((hard, "hard"), (easy, "easy")):
            move = GAME.bot_move(state, bot, level)
            if move is not None:
                state = accepted(GAME.handle(state, bot, move))
                assert GAME.bot_move(state, bot, level) is None  # it only speaks to change course
        state = GAME.tick(state, DT)
    assert GAME.result(state) == Outcome((hard.id,), "points")
    assert GAME.bot_move(state, hard, "hard") is None


def test_view_gives_what_a_screen_interpolates_with() -> None:
    view = GAME.view(GAME.tick(in_play(), DT), BOB)
    assert view["you"] == 1 and view["field"]["width"] == WIDTH
    assert set(view["ball"]) == {"x", "y", "vx", "vy"}
    assert [p["y"] for p in view["paddles"]] == [HEIGHT / 2, HEIGHT / 2]


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from([-1, 0, 1]), st.sampled_from([-1, 0, 1]), st.floats(0.001, 0.3)),
        max_size=120,
    )
)
def test_random_play_keeps_every_invariant(steps: list[tuple[int, int, float]]) -> None:
    state = started(points=3)
    for left, right, dt in steps:
        if GAME.result(state) is not None:
            break
        state = accepted(untouched(GAME, state, lambda s, d=left: GAME.handle(s, ALICE, {"dir": d})))
        state = accepted(untouched(GAME, state, lambda s, d=right: GAME.handle(s, BOB, {"dir": d})))
        before = state
        state = untouched(GAME, state, lambda s, t=dt: GAME.tick(s, t))
        assert state.time == pytest.approx(before.time + dt)
        x, y = state.ball
        assert BALL_RADIUS - 1e-9 <= y <= HEIGHT - BALL_RADIUS + 1e-9
        assert all(PADDLE_HALF <= p <= HEIGHT - PADDLE_HALF for p in state.paddles)
        assert math.hypot(*state.velocity) <= MAX_SPEED + 1e-6
        outcome = GAME.result(state)
        if outcome is None:
            assert 0 <= x <= WIDTH and max(state.score) < state.points_to_win
        else:
            assert len(outcome.winners) == 1 and max(state.score) == state.points_to_win
    round_trips(GAME, state)
    every_callback_leaves_it_alone(GAME, state, "hard")
