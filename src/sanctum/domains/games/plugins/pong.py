"""Pong: a real-time game for two, driven by the engine's tick (`tick_rate` times a second).

The field is 100 x 60 units, y pointing down. Seat 0 holds the left paddle, seat 1 the right one.
A player's move sets where their paddle goes: `{"dir": -1}` up, `1` down, `0` stop. `tick(state, dt)`
moves paddles and ball in fixed sub-steps (so a long `dt` after a stall never lets the ball pass
through a paddle); where a ball meets a paddle sets its new angle, and every hit speeds it up a little.
A missed ball scores for the other side and is served again, towards the side that lost the point,
after a short pause. The first to `points_to_win` wins. Everything is deterministic: no randomness,
no clock, so a room restored on another instance plays on exactly.

The view carries positions and velocities; screens interpolate between ticks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from sanctum.domains.games.engine.sdk import GameError, Outcome, Player
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

SEATS = 2
WIDTH = 100.0
HEIGHT = 60.0
BALL_RADIUS = 1.0
PADDLE_HALF = 6.0  # half the paddle's height
PADDLE_WIDTH = 1.5
FACES = (3.0, WIDTH - 3.0)  # the x of each paddle's hitting face
PADDLE_SPEED = 70.0  # units per second
SERVE_SPEED = 45.0
SPEED_UP = 1.06  # per paddle hit
MAX_SPEED = 110.0
MAX_ANGLE = math.radians(55)  # a ball off a paddle's very edge
SERVE_ANGLES = (0.3, -0.2, 0.45, -0.4, 0.1, -0.3, 0.2)  # radians, taken in turn by the points played
SERVE_DELAY = 1.5  # seconds the ball rests before a serve
STEP = 1 / 120  # the longest physics sub-step
MAX_DT = 0.5  # a longer gap (a stalled loop) is played as this much time
EASY_AIM_ERRORS = (0.0, 9.0, -3.0, -9.5, 4.0, 8.5, -5.0)  # units off the ball the easy bot aims, by rally hit


class PongOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    points_to_win: int = Field(default=5, ge=1, le=21, description="The first to this many points wins.")


@dataclass(frozen=True, slots=True)
class PongState:
    points_to_win: int = 5
    players: tuple[Player, ...] = ()
    paddles: tuple[float, float] = (HEIGHT / 2, HEIGHT / 2)  # the centre y of each paddle
    dirs: tuple[int, int] = (0, 0)
    ball: tuple[float, float] = (WIDTH / 2, HEIGHT / 2)
    velocity: tuple[float, float] = (0.0, 0.0)
    score: tuple[int, int] = (0, 0)
    serve_in: float = SERVE_DELAY
    time: float = 0.0  # seconds of play since the game started
    hits: int = 0  # paddle hits in the current rally
    outcome: Outcome | None = None

    @property
    def started(self) -> bool:
        return len(self.players) == SEATS


def serve_velocity(towards: int, points_played: int) -> tuple[float, float]:
    angle = SERVE_ANGLES[points_played % len(SERVE_ANGLES)]
    direction = -1.0 if towards == 0 else 1.0
    return direction * SERVE_SPEED * math.cos(angle), SERVE_SPEED * math.sin(angle)


def _clamp(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def advance(state: PongState, dt: float) -> PongState:
    """`state` after `dt` seconds of play (the game must be running)."""
    steps = max(1, math.ceil(dt / STEP))
    h = dt / steps
    y0, y1 = state.paddles
    x, y = state.ball
    vx, vy = state.velocity
    score = list(state.score)
    serve_in, hits, outcome = state.serve_in, state.hits, None
    for _ in range(steps):
        y0 = _clamp(y0 + state.dirs[0] * PADDLE_SPEED * h, PADDLE_HALF, HEIGHT - PADDLE_HALF)
        y1 = _clamp(y1 + state.dirs[1] * PADDLE_SPEED * h, PADDLE_HALF, HEIGHT - PADDLE_HALF)
        if serve_in > 0:
            serve_in = max(0.0, serve_in - h)
            continue
        px = x
        x, y = x + vx * h, y + vy * h
        if y < BALL_RADIUS:
            y, vy = 2 * BALL_RADIUS - y, -vy
        elif y > HEIGHT - BALL_RADIUS:
            y, vy = 2 * (HEIGHT - BALL_RADIUS) - y, -vy
        for seat, paddle_y in ((0, y0), (1, y1)):
            sign = 1.0 if seat == 0 else -1.0  # the direction a hit sends the ball
            edge = FACES[seat] + sign * BALL_RADIUS  # where the ball's centre touches the face
            crossed = (px >= edge > x) if seat == 0 else (px <= edge < x)
            reach = PADDLE_HALF + BALL_RADIUS
            if crossed and abs(y - paddle_y) <= reach:
                hits += 1
                speed = min(math.hypot(vx, vy) * SPEED_UP, MAX_SPEED)
                angle = (y - paddle_y) / reach * MAX_ANGLE
                x = 2 * edge - x
                vx, vy = sign * speed * math.cos(angle), speed * math.sin(angle)
        if x < 0 or x > WIDTH:
            scorer = 1 if x < 0 else 0
            score[scorer] += 1
            if score[scorer] >= state.points_to_win:
                outcome = Outcome((state.players[scorer].id,), "points")
                break
            x, y = WIDTH / 2, HEIGHT / 2
            vx, vy = serve_velocity(1 - scorer, sum(score))
            serve_in, hits = SERVE_DELAY, 0
    return replace(
        state,
        paddles=(y0, y1),
        ball=(x, y),
        velocity=(vx, vy),
        score=(score[0], score[1]),
        serve_in=serve_in,
        time=state.time + dt,
        hits=hits,
        outcome=outcome,
    )


def desired_dir(state: PongState, seat: int, level: str) -> int:
    """Where a bot in `seat` wants its paddle to go."""
    paddle_y = state.paddles[seat]
    x, y = state.ball
    vx, vy = state.velocity
    coming = (vx < 0) if seat == 0 else (vx > 0)
    target = HEIGHT / 2
    if state.serve_in <= 0 and coming:
        if level == "hard":
            # Where the ball will meet this paddle's face, folding the path off the walls.
            span = HEIGHT - 2 * BALL_RADIUS
            travel = abs((FACES[seat] - x) / vx) * vy if vx else 0.0
            folded = (y - BALL_RADIUS + travel) % (2 * span)
            target = BALL_RADIUS + (folded if folded <= span else 2 * span - folded)
        elif abs(x - FACES[seat]) < WIDTH * 0.4:
            # Easy: reacts late, follows the ball rather than reading it, and aims a little off
            # (a different error each rally hit, so it misses now and then).
            target = y + EASY_AIM_ERRORS[state.hits % len(EASY_AIM_ERRORS)]
    dead_zone = 1.5 if level == "hard" else 4.0
    if target < paddle_y - dead_zone:
        return -1
    if target > paddle_y + dead_zone:
        return 1
    return 0


class Pong(FixedSeats[PongState]):
    name: ClassVar[str] = "pong"
    title: ClassVar[str] = "Pong"
    tick_rate: ClassVar[int] = 30
    options_model: ClassVar[type[BaseModel]] = PongOptions
    bot_levels: ClassVar[tuple[str, ...]] = ("easy", "hard")

    def init(self, options: BaseModel) -> PongState:
        points = options.points_to_win if isinstance(options, PongOptions) else PongOptions().points_to_win
        return PongState(points_to_win=points, velocity=serve_velocity(0, 0))

    def handle(self, state: PongState, player: Player, move: Mapping[str, Any]) -> PongState | GameError:
        seat, refusal = self.refuse(state, player, None)
        if refusal is not None:
            return refusal
        direction = move_int(move, "dir", -1, 1)
        if isinstance(direction, GameError):
            return direction
        dirs = (direction, state.dirs[1]) if seat == 0 else (state.dirs[0], direction)
        return replace(state, dirs=dirs)

    def tick(self, state: PongState, dt: float) -> PongState:
        if state.outcome is not None or not state.started or not math.isfinite(dt) or dt <= 0:
            return state
        return advance(state, min(dt, MAX_DT))

    def view(self, state: PongState, player: Player | None) -> dict[str, Any]:
        over = state.outcome is not None
        return {
            "status": "finished" if over else "playing" if state.started else "waiting",
            "players": players_view(state.players),
            "you": None if player is None else seat_of(state.players, player),
            "field": {
                "width": WIDTH,
                "height": HEIGHT,
                "ball_radius": BALL_RADIUS,
                "paddle_height": 2 * PADDLE_HALF,
                "paddle_width": PADDLE_WIDTH,
                "faces": list(FACES),
                "paddle_speed": PADDLE_SPEED,
            },
            "paddles": [{"y": round(y, 3), "dir": d} for y, d in zip(state.paddles, state.dirs, strict=True)],
            "ball": {
                "x": round(state.ball[0], 3),
                "y": round(state.ball[1], 3),
                "vx": round(state.velocity[0], 3),
                "vy": round(state.velocity[1], 3),
            },
            "score": list(state.score),
            "points_to_win": state.points_to_win,
            "serve_in": round(state.serve_in, 3),
            "time": round(state.time, 4),
            "outcome": outcome_to_json(state.outcome),
        }

    def bot_move(self, state: PongState, player: Player, level: str) -> Mapping[str, Any] | None:
        """A new direction when the bot wants to change course; None when it keeps its current one."""
        seat = seat_of(state.players, player)
        if seat is None or state.outcome is not None or not state.started:
            return None
        direction = desired_dir(state, seat, level)
        return None if direction == state.dirs[seat] else {"dir": direction}

    def encode(self, state: PongState) -> dict[str, Any]:
        return {
            "points_to_win": state.points_to_win,
            "players": [player_to_json(p) for p in state.players],
            "paddles": list(state.paddles),
            "dirs": list(state.dirs),
            "ball": list(state.ball),
            "velocity": list(state.velocity),
            "score": list(state.score),
            "serve_in": state.serve_in,
            "time": state.time,
            "hits": state.hits,
            "outcome": outcome_to_json(state.outcome),
        }

    def decode(self, data: Mapping[str, Any]) -> PongState:
        def pair(key: str) -> tuple[float, float]:
            a, b = data[key]
            return float(a), float(b)

        d0, d1 = data["dirs"]
        s0, s1 = data["score"]
        return PongState(
            points_to_win=int(data["points_to_win"]),
            players=tuple(player_from_json(p) for p in data["players"]),
            paddles=pair("paddles"),
            dirs=(int(d0), int(d1)),
            ball=pair("ball"),
            velocity=pair("velocity"),
            score=(int(s0), int(s1)),
            serve_in=float(data["serve_in"]),
            time=float(data["time"]),
            hits=int(data["hits"]),
            outcome=outcome_from_json(data.get("outcome")),
        )
