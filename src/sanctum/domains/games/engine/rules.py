"""The rules of the engine: pure functions from a room's snapshot and a command to the change they make.

No I/O here: a `Snapshot` is what an actor last read of a room (immutable, like the game state in it),
a `Command` is what a player or the engine asks of it, and `apply_join` / `apply_leave` / `apply_move`
compute the `Change` an accepted command makes (or raise `GameRefused`), with the plugin's pure
functions. The actor (actor.py) commits the change; nothing here knows how.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sanctum.core.events import EventKind
from sanctum.domains.games import events as ev
from sanctum.domains.games.engine.errors import GameRefused, refuse
from sanctum.domains.games.engine.sdk import ErrorCode, GameError, GamePlugin, Outcome, Player

DELETED_USER = "Deleted user"


def bot_player(level: str) -> Player:
    return Player(id=f"bot:{level}", name=f"Bot ({level})", is_bot=True)


@dataclass(frozen=True, slots=True)
class Seat:
    seat: int
    player: Player
    user_id: uuid.UUID | None
    bot_level: str | None
    left: bool = False


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A room as one actor last saw it in the database: immutable, like the game state inside it."""

    room_id: uuid.UUID
    game: str
    status: str
    version: int
    state: Any
    seats: tuple[Seat, ...]
    outcome: Outcome | None = None

    @property
    def present(self) -> tuple[Seat, ...]:
        return tuple(s for s in self.seats if not s.left)

    def seat_of(self, player_id: str) -> Seat | None:
        return next((s for s in self.seats if s.player.id == player_id and not s.left), None)


@dataclass(slots=True)
class Change:
    """What one accepted command does to a room, computed purely from a snapshot."""

    new: Snapshot
    event: EventKind[Any] | None  # JOINED, LEFT or MOVED; None: a change the engine makes itself
    player: Player
    user_id: uuid.UUID | None = None
    move_kind: str | None = None  # the replay log entry, if any
    move: Mapping[str, Any] | None = None
    add_seat: Seat | None = None
    drop_seat: int | None = None  # a seat given up before the game started
    leave_seat: int | None = None  # a seat given up during the game (kept for history)
    forfeit_seat: int | None = None  # a seat whose reconnect window ran out
    started: bool = False


CommandKind = Literal["join", "leave", "move", "forfeit", "wake", "fallback"]


@dataclass(slots=True)
class Command:
    kind: CommandKind
    player: Player | None = None
    user_id: uuid.UUID | None = None
    bot_level: str | None = None
    move: Mapping[str, Any] | None = None
    seat: int | None = None
    forwarded: bool = False
    # The room's version the player saw when playing (turn-based moves): a retry of a move that was
    # applied is recognised instead of refused, and a move played on an outdated view is refused.
    version: int | None = None
    reply: asyncio.Future[Snapshot] | None = field(default=None, repr=False)
    # The W3C traceparent of whoever submitted it ("" untraced): the actor runs it in that trace.
    trace: str = field(default="", repr=False)


class Stale(Exception):
    """The room moved on since the snapshot was taken (another instance or a returning player)."""


# -- the rules: pure functions of a snapshot ------------------------------------------------------


def _finish(snap: Snapshot, plugin: GamePlugin[Any], state: Any) -> tuple[str, Outcome | None]:
    outcome = plugin.result(state)
    return ("finished", outcome) if outcome is not None else (snap.status, None)


def apply_join(snap: Snapshot, plugin: GamePlugin[Any], cmd: Command) -> Change:
    assert cmd.player is not None
    player = cmd.player
    if snap.status in ("finished", "abandoned"):
        raise refuse(ErrorCode.GAME_OVER, "This game is over.")
    if snap.seat_of(player.id) is not None:
        raise refuse(ErrorCode.ALREADY_IN_ROOM, "You already have a seat in this room.")
    if len(snap.present) >= plugin.max_players:
        raise refuse(ErrorCode.ROOM_FULL, "This room is full.", max_players=plugin.max_players)
    error = plugin.join_attempt(snap.state, player)
    if error is not None:
        raise GameRefused(error)
    state = plugin.on_join(snap.state, player)
    number = max((s.seat for s in snap.seats), default=-1) + 1
    seat = Seat(number, player, cmd.user_id, cmd.bot_level)
    seats = (*snap.seats, seat)
    status = snap.status
    started = status == "waiting" and sum(1 for s in seats if not s.left) >= plugin.min_players
    if started:
        status = "active"
    new = replace(snap, state=state, seats=seats, status=status, version=snap.version + 1)
    final, outcome = _finish(new, plugin, state)
    new = replace(new, status=final, outcome=outcome)
    return Change(new, ev.JOINED, player, cmd.user_id, "join", {}, add_seat=seat, started=started)


def apply_leave(snap: Snapshot, plugin: GamePlugin[Any], cmd: Command) -> Change | None:
    assert cmd.player is not None
    seat = snap.seat_of(cmd.player.id)
    if seat is None:
        raise refuse(ErrorCode.NOT_IN_ROOM, "You have no seat in this room.")
    if snap.status in ("finished", "abandoned"):
        return None
    player = seat.player
    state = plugin.on_leave(snap.state, player)
    if snap.status == "waiting":
        seats = tuple(s for s in snap.seats if s.seat != seat.seat)
        status = "waiting" if any(not s.player.is_bot for s in seats) else "abandoned"
        new = replace(snap, state=state, seats=seats, status=status, version=snap.version + 1)
        change = Change(new, ev.LEFT, player, cmd.user_id, "leave", {}, drop_seat=seat.seat)
        if cmd.kind == "forfeit":
            change.forfeit_seat = seat.seat
        return change
    seats = tuple(replace(s, left=True) if s.seat == seat.seat else s for s in snap.seats)
    new = replace(snap, state=state, seats=seats, version=snap.version + 1)
    status, outcome = _finish(new, plugin, state)
    remaining = [s for s in seats if not s.left]
    if outcome is None and len(remaining) < plugin.min_players:
        # The plugin carries on, but too few players are left to play: they win by forfeit.
        status, outcome = "finished", Outcome(tuple(s.player.id for s in remaining), "forfeit")
    if not any(not s.player.is_bot for s in remaining) and outcome is None:
        status = "abandoned"
    new = replace(new, status=status, outcome=outcome)
    change = Change(new, ev.LEFT, player, cmd.user_id, "leave", {})
    if cmd.kind == "forfeit":
        change.forfeit_seat = seat.seat
    else:
        change.leave_seat = seat.seat
    return change


def apply_move(snap: Snapshot, plugin: GamePlugin[Any], cmd: Command) -> Change:
    assert cmd.player is not None and cmd.move is not None
    if snap.status in ("finished", "abandoned"):
        raise refuse(ErrorCode.GAME_OVER, "This game is over.")
    if snap.seat_of(cmd.player.id) is None:
        raise refuse(ErrorCode.NOT_IN_ROOM, "You have no seat in this room.")
    if snap.status == "waiting":
        raise refuse(ErrorCode.NOT_STARTED, "The game has not started yet.")
    seat = snap.seat_of(cmd.player.id)
    assert seat is not None
    result = plugin.handle(snap.state, seat.player, cmd.move)
    if isinstance(result, GameError):
        raise GameRefused(result)
    new = replace(snap, state=result, version=snap.version + 1)
    status, outcome = _finish(new, plugin, result)
    new = replace(new, status=status, outcome=outcome)
    return Change(new, ev.MOVED, seat.player, cmd.user_id, "move", dict(cmd.move))


def players_wire(snap: Snapshot) -> list[ev.SeatWire]:
    return [
        ev.SeatWire(
            seat=s.seat,
            player_id=s.player.id,
            user_id=s.user_id,
            name=s.player.name if s.user_id or s.bot_level else DELETED_USER,
            is_bot=s.player.is_bot,
            bot_level=s.bot_level,
            left=s.left,
        )
        for s in snap.seats
    ]


def outcome_wire(outcome: Outcome | None) -> ev.OutcomeWire | None:
    return None if outcome is None else ev.OutcomeWire(winners=list(outcome.winners), reason=outcome.reason)
