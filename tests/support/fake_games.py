"""Two tiny games that exercise the engine without depending on the real ones.

- `CountToTen` (turn-based): two players take turns adding 1, 2 or 3 to a total; whoever brings it
  to `target` (or past it) wins. Bots: "easy" always adds 1, "hard" plays the winning strategy.
- `Presses` (real-time, 20 ticks per second): each `{"press": true}` scores a point; the first to
  `presses` points wins, or the leader when `seconds` have passed (a draw if level). A bot presses
  every `bot_every` ticks.

Tests register them through `GAMES__EXTRA_PLUGINS` (`FAKE_PLUGINS`), as an operator would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from sanctum.domains.games.engine.sdk import ErrorCode, GameError, Outcome, Player

FAKE_PLUGINS = ["tests.support.fake_games:CountToTen", "tests.support.fake_games:Presses"]


class CountOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: int = Field(10, ge=3, le=100)


@dataclass(frozen=True, slots=True)
class Count:
    target: int
    total: int = 0
    players: tuple[str, ...] = ()
    turn: int = 0
    winner: str | None = None
    gone: tuple[str, ...] = ()


class CountToTen:
    name: ClassVar[str] = "count_to_ten"
    title: ClassVar[str] = "Count to Ten"
    min_players: ClassVar[int] = 2
    max_players: ClassVar[int] = 2
    tick_rate: ClassVar[int] = 0
    options_model: ClassVar[type[BaseModel]] = CountOptions
    bot_levels: ClassVar[tuple[str, ...]] = ("easy", "hard")

    def init(self, options: BaseModel) -> Count:
        assert isinstance(options, CountOptions)
        return Count(target=options.target)

    def join_attempt(self, state: Count, player: Player) -> GameError | None:
        if len(state.players) >= 2:
            return GameError(ErrorCode.ROOM_FULL, "Two players already.")
        return None

    def on_join(self, state: Count, player: Player) -> Count:
        return replace(state, players=(*state.players, player.id))

    def on_leave(self, state: Count, player: Player) -> Count:
        if len(state.players) < 2:
            return replace(state, players=tuple(p for p in state.players if p != player.id))
        return replace(state, gone=(*state.gone, player.id))

    def handle(self, state: Count, player: Player, move: Mapping[str, Any]) -> Count | GameError:
        if state.winner is not None:
            return GameError(ErrorCode.GAME_OVER, "The game is over.")
        if state.players[state.turn % 2] != player.id:
            return GameError(ErrorCode.NOT_YOUR_TURN, "Wait for your turn.", {"turn": state.players[state.turn % 2]})
        add = move.get("add")
        if not isinstance(add, int) or isinstance(add, bool) or not 1 <= add <= 3:
            return GameError(ErrorCode.INVALID_MOVE, "Add 1, 2 or 3.", {"add": "must be 1, 2 or 3"})
        total = state.total + add
        return replace(state, total=total, turn=state.turn + 1, winner=player.id if total >= state.target else None)

    def tick(self, state: Count, dt: float) -> Count:
        return state

    def result(self, state: Count) -> Outcome | None:
        if state.winner is not None:
            return Outcome((state.winner,), "reached_target")
        if state.gone:
            return Outcome(tuple(p for p in state.players if p not in state.gone), "forfeit")
        return None

    def view(self, state: Count, player: Player | None) -> dict[str, Any]:
        to_move = state.players[state.turn % 2] if len(state.players) == 2 and state.winner is None else None
        return {"total": state.total, "target": state.target, "players": list(state.players), "to_move": to_move}

    def bot_move(self, state: Count, player: Player, level: str) -> Mapping[str, Any] | None:
        if state.winner is not None or len(state.players) < 2 or state.players[state.turn % 2] != player.id:
            return None
        if level == "hard":
            best = (state.target - state.total) % 4
            return {"add": best if best else 1}
        return {"add": 1}

    def encode(self, state: Count) -> dict[str, Any]:
        return {
            "target": state.target,
            "total": state.total,
            "players": list(state.players),
            "turn": state.turn,
            "winner": state.winner,
            "gone": list(state.gone),
        }

    def decode(self, data: Mapping[str, Any]) -> Count:
        return Count(
            target=int(data["target"]),
            total=int(data["total"]),
            players=tuple(data["players"]),
            turn=int(data["turn"]),
            winner=data["winner"],
            gone=tuple(data["gone"]),
        )


class PressOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    presses: int = Field(5, ge=1, le=10_000)
    seconds: float = Field(3_600.0, gt=0, le=86_400)
    bot_every: int = Field(10, ge=1, le=1_000)


@dataclass(frozen=True, slots=True)
class Race:
    presses: int
    seconds: float
    bot_every: int
    elapsed: float = 0.0
    ticks: int = 0
    scores: tuple[tuple[str, int], ...] = ()

    def score(self, player_id: str) -> int:
        return next((n for p, n in self.scores if p == player_id), 0)


class Presses:
    name: ClassVar[str] = "presses"
    title: ClassVar[str] = "Presses"
    min_players: ClassVar[int] = 2
    max_players: ClassVar[int] = 4
    tick_rate: ClassVar[int] = 20
    options_model: ClassVar[type[BaseModel]] = PressOptions
    bot_levels: ClassVar[tuple[str, ...]] = ("easy",)

    def init(self, options: BaseModel) -> Race:
        assert isinstance(options, PressOptions)
        return Race(presses=options.presses, seconds=options.seconds, bot_every=options.bot_every)

    def join_attempt(self, state: Race, player: Player) -> GameError | None:
        return None

    def on_join(self, state: Race, player: Player) -> Race:
        return replace(state, scores=(*state.scores, (player.id, 0)))

    def on_leave(self, state: Race, player: Player) -> Race:
        return replace(state, scores=tuple(s for s in state.scores if s[0] != player.id))

    def handle(self, state: Race, player: Player, move: Mapping[str, Any]) -> Race | GameError:
        if move.get("press") is not True:
            return GameError(ErrorCode.INVALID_MOVE, "Send {press: true}.")
        if self.result(state) is not None:
            return GameError(ErrorCode.GAME_OVER, "The race is over.")
        scores = tuple((p, n + 1) if p == player.id else (p, n) for p, n in state.scores)
        return replace(state, scores=scores)

    def tick(self, state: Race, dt: float) -> Race:
        return replace(state, elapsed=state.elapsed + dt, ticks=state.ticks + 1)

    def result(self, state: Race) -> Outcome | None:
        done = [p for p, n in state.scores if n >= state.presses]
        if done:
            return Outcome((done[0],), "most_presses")
        if state.elapsed >= state.seconds and state.scores:
            best = max(n for _, n in state.scores)
            leaders = tuple(p for p, n in state.scores if n == best)
            return Outcome(leaders if len(leaders) == 1 else (), "time")
        return None

    def view(self, state: Race, player: Player | None) -> dict[str, Any]:
        return {"ticks": state.ticks, "elapsed": round(state.elapsed, 3), "scores": dict(state.scores)}

    def bot_move(self, state: Race, player: Player, level: str) -> Mapping[str, Any] | None:
        return {"press": True} if state.ticks and state.ticks % state.bot_every == 0 else None

    def encode(self, state: Race) -> dict[str, Any]:
        return {
            "presses": state.presses,
            "seconds": state.seconds,
            "bot_every": state.bot_every,
            "elapsed": state.elapsed,
            "ticks": state.ticks,
            "scores": [list(s) for s in state.scores],
        }

    def decode(self, data: Mapping[str, Any]) -> Race:
        return Race(
            presses=int(data["presses"]),
            seconds=float(data["seconds"]),
            bot_every=int(data["bot_every"]),
            elapsed=float(data["elapsed"]),
            ticks=int(data["ticks"]),
            scores=tuple((str(p), int(n)) for p, n in data["scores"]),
        )
