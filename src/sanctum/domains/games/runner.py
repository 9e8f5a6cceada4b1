"""The engine: one actor (an asyncio task with an inbox) per live room on each instance.

Commands for a room (join, leave, move, forfeit, wake) queue in its actor's inbox and run one at a
time, so plugin code never sees concurrency. The actor applies a command to its snapshot with the
plugin's pure functions and commits the result in one transaction: a conditional UPDATE of the
room from the version it saw to the next (`WHERE version = :seen`), the move row keyed by
(room_id, version), seat changes and the `game:{id}` events (transactional outbox); it publishes
the events after commit. Two instances may each have an actor for one room: the one that commits
second finds the version moved, reloads the room from the database and runs the command again
against the new state (where it may now be refused, e.g. NOT_YOUR_TURN). The database is the one
copy of a room: an actor whose instance dies is simply rebuilt from the snapshot elsewhere.

Real-time rooms (tick_rate > 0) tick only on the instance holding the room's lease (a conditional
UPDATE of `lease_owner`/`lease_until`, renewed every third of its length). The owner keeps the state
in memory, publishes an ephemeral `game.frame` per tick and writes a snapshot every
`snapshot_interval_seconds` (renewals and snapshots of all owned rooms share group commits);
inputs that reach another instance are forwarded to the owner over the games bus (a broker topic
`input:{room id}` the owner subscribes to). When the owner dies its lease lapses and any instance
with an actor for the room (one is woken whenever someone subscribes to the room) takes over from
the last snapshot.

Actors with nothing to do stop on their own (each decides for itself, so no global lock stalls other
rooms); a periodic sweep on each instance forfeits players whose reconnect window ran out and seats
a bot in "play now" rooms that waited too long. Both go through the version check, so two instances
sweeping at once do the work once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Literal

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.broker.base import Broker
from sanctum.core.clock import utcnow
from sanctum.core.errors import NotFound, ServiceUnavailable
from sanctum.db.batch import GroupCommit
from sanctum.db.database import Database
from sanctum.domains.games import events as ev
from sanctum.domains.games.errors import GameRefused, refuse
from sanctum.domains.games.plugin import ErrorCode, GameError, GamePlugin, Outcome, Player
from sanctum.domains.games.ratings import START, elo
from sanctum.domains.games.registry import GameRegistry
from sanctum.domains.games.repository import GamesRepository
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import GAME_COMMANDS, GAME_ROOMS_LIVE, GAME_TICK_LAG
from sanctum.realtime.eventlog import append_event
from sanctum.realtime.gateway import Gateway
from sanctum.realtime.protocol import Event, make_event
from sanctum.settings import GamesSettings

log = get_logger("sanctum.games")

REPLY_TIMEOUT = 15.0
MAX_RETRIES = 5
MAX_BOT_MOVES = 500
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
    event: str
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
    reply: asyncio.Future[Snapshot] | None = field(default=None, repr=False)


class _Stale(Exception):
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


def players_wire(snap: Snapshot) -> list[dict[str, Any]]:
    return [
        {
            "seat": s.seat,
            "player_id": s.player.id,
            "user_id": str(s.user_id) if s.user_id else None,
            "name": s.player.name if s.user_id or s.bot_level else DELETED_USER,
            "is_bot": s.player.is_bot,
            "bot_level": s.bot_level,
            "left": s.left,
        }
        for s in snap.seats
    ]


def outcome_wire(outcome: Outcome | None) -> dict[str, Any] | None:
    return None if outcome is None else {"winners": list(outcome.winners), "reason": outcome.reason}


# -- the actor -------------------------------------------------------------------------------------


class RoomActor:
    def __init__(self, engine: GameEngine, room_id: uuid.UUID) -> None:
        self.engine = engine
        self.room_id = room_id
        self.topic = ev.game_topic(room_id)
        self.inbox: asyncio.Queue[Command] = asyncio.Queue()
        self.snapshot: Snapshot | None = None
        self.plugin: GamePlugin[Any] | None = None
        self.last_used = time.monotonic()
        # Real-time loop (only while this instance owns the room's lease).
        self.owner = False
        self.lease_check_at = 0.0
        self.next_tick = 0.0
        self.last_tick = 0.0
        self.last_saved = 0.0
        self.tick_count = 0
        self.lease_lost = False
        self.chores: asyncio.Task[None] | None = None
        self.task: asyncio.Task[None] | None = None

    @property
    def realtime(self) -> bool:
        return self.plugin is not None and self.plugin.tick_rate > 0

    # -- loading and committing ---------------------------------------------------------------

    async def load(self) -> Snapshot:
        if self.snapshot is not None:
            return self.snapshot
        repo = self.engine.repo
        async with self.engine.db.reader(fresh=True) as db:
            room = await repo.room(db, self.room_id)
            if room is None:
                raise NotFound("No such game room.", code="GAME_ROOM_NOT_FOUND")
            seats = await repo.seats(db, self.room_id)
        plugin = self.engine.registry.get(room.game)
        if plugin is None:
            raise NotFound("This game is not available on this server.", code="GAME_NOT_FOUND")
        self.plugin = plugin
        outcome = None
        if room.status == "finished":
            outcome = Outcome(tuple(room.winners or ()), room.result_reason or "")
        self.snapshot = Snapshot(
            room_id=room.id,
            game=room.game,
            status=room.status,
            version=room.version,
            state=plugin.decode(room.state),
            seats=tuple(
                Seat(
                    s.seat,
                    Player(s.player_id, s.name, is_bot=s.bot_level is not None),
                    s.user_id,
                    s.bot_level,
                    left=s.left_at is not None,
                )
                for s in seats
            ),
            outcome=outcome,
        )
        return self.snapshot

    def event_data(self, snap: Snapshot, **extra: Any) -> dict[str, Any]:
        assert self.plugin is not None
        return {
            "room_id": str(snap.room_id),
            "version": snap.version,
            "status": snap.status,
            "players": players_wire(snap),
            "state": self.plugin.view(snap.state, None),
            "outcome": outcome_wire(snap.outcome),
            **extra,
        }

    async def commit(self, old: Snapshot, change: Change) -> None:
        """Write `change` if the room is still at `old.version`; raise _Stale otherwise."""
        assert self.plugin is not None
        new, repo, now = change.new, self.engine.repo, utcnow()
        values: dict[str, Any] = {"state": self.plugin.encode(new.state), "status": new.status, "updated_at": now}
        if change.started:
            values["started_at"] = now
            humans = [s.user_id for s in new.present if s.user_id is not None]
            values["opponent_id"] = humans[1] if len(humans) > 1 else None
        if new.outcome is not None and old.outcome is None:
            winners = new.outcome.winners
            values.update(winners=list(winners), result_reason=new.outcome.reason[:40], finished_at=now)
            won = next((s for s in new.seats if len(winners) == 1 and s.player.id == winners[0]), None)
            values["winner_id"] = won.user_id if won is not None else None
        events: list[Event] = []
        async with self.engine.db.writer() as db:
            if not await repo.bump(db, self.room_id, old.version, values):
                raise _Stale
            if change.forfeit_seat is not None and not await repo.forfeit_seat(
                db, self.room_id, change.forfeit_seat, now
            ):
                raise _Stale
            if change.add_seat is not None:
                seat = change.add_seat
                await repo.add_seat(
                    db,
                    room_id=self.room_id,
                    seat=seat.seat,
                    player_id=seat.player.id,
                    user_id=seat.user_id,
                    bot_level=seat.bot_level,
                    name=seat.player.name[:80],
                    joined_at=now,
                )
            if change.drop_seat is not None:
                await repo.drop_seat(db, self.room_id, change.drop_seat)
            if change.leave_seat is not None:
                await repo.leave_seat(db, self.room_id, change.leave_seat, now)
            if change.move_kind is not None:
                await repo.add_move(
                    db,
                    room_id=self.room_id,
                    version=new.version,
                    kind=change.move_kind,
                    player_id=change.player.id,
                    user_id=change.user_id,
                    data=dict(change.move or {}),
                    created_at=now,
                )
            if change.event:
                extra: dict[str, Any] = {"player": change.player.id}
                if change.move is not None and change.move_kind == "move":
                    extra["move"] = dict(change.move)
                events.append(await append_event(db, self.topic, change.event, self.event_data(new, **extra)))
            if new.outcome is not None and old.outcome is None:
                events.append(await append_event(db, self.topic, ev.ENDED, self.event_data(new)))
                await self.rate(db, new)
        self.snapshot = new
        for event in events:
            await self.engine.gateway.publish(event)

    async def rate(self, db: AsyncSession, snap: Snapshot) -> None:
        """Elo between the two human players of a finished two-player game (bot games are unrated)."""
        seats = [s for s in snap.seats if s.user_id is not None]
        if len(snap.seats) != 2 or len(seats) != 2 or snap.outcome is None:
            return
        a, b = seats
        winners = snap.outcome.winners
        score_a = 0.5 if not winners or len(winners) == 2 else (1.0 if a.player.id in winners else 0.0)
        assert a.user_id is not None and b.user_id is not None
        now = utcnow()
        found = await self.engine.repo.lock_ratings(db, snap.game, [a.user_id, b.user_id], START, now)
        rows = [found[a.user_id], found[b.user_id]]
        ra, rb = elo(rows[0].rating, rows[1].rating, score_a)
        for row, rating, score in ((rows[0], ra, score_a), (rows[1], rb, 1.0 - score_a)):
            row.rating, row.games, row.updated_at = rating, row.games + 1, now
            if score == 1.0:
                row.wins += 1
            elif score == 0.0:
                row.losses += 1
            else:
                row.draws += 1

    # -- the loop -----------------------------------------------------------------------------

    async def run(self) -> None:
        settings = self.engine.settings
        try:
            while True:
                timeout = self.wake_in()
                cmd: Command | None = None
                try:
                    async with asyncio.timeout(timeout):
                        cmd = await self.inbox.get()
                except TimeoutError:
                    pass
                if cmd is not None:
                    self.last_used = time.monotonic()
                    await self.handle(cmd)
                    await self.play_bots()
                if self.realtime and self.snapshot is not None:
                    await self.realtime_step()
                idle = time.monotonic() - self.last_used >= settings.actor_idle_seconds
                done = self.snapshot is not None and self.snapshot.status in ("finished", "abandoned")
                if self.inbox.empty() and not self.owner and (idle or done):
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("game_actor_failed", room_id=str(self.room_id))
        finally:
            self.engine.forget(self)
            while not self.inbox.empty():
                stranded = self.inbox.get_nowait()
                if stranded.reply is not None and not stranded.reply.done():
                    stranded.reply.set_exception(ServiceUnavailable("The room is restarting; try again."))
            if self.chores is not None:
                # Let a renewal already in a group commit land before the lease is released below.
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(2.0):
                        await asyncio.shield(self.chores)
            if self.owner:
                # Shutting down: save the live state, then let another instance take over at once.
                snap = self.snapshot
                if snap is not None and snap.status == "active":
                    with contextlib.suppress(Exception):
                        await self.commit_quiet(snap, replace(snap, version=snap.version + 1))
                await self.drop_lease()

    def wake_in(self) -> float:
        now = time.monotonic()
        if self.realtime and self.snapshot is not None and self.snapshot.status == "active":
            # An owner renews its lease on a tick (ticks come far more often than renewals are due).
            due = self.next_tick if self.owner else self.lease_check_at
            return max(0.0, due - now)
        return max(0.01, self.last_used + self.engine.settings.actor_idle_seconds - now)

    async def handle(self, cmd: Command) -> None:
        game = self.plugin.name if self.plugin is not None else "unknown"
        try:
            result = await self.execute(cmd)
        except Exception as exc:
            if cmd.kind != "wake":
                GAME_COMMANDS.labels(game, cmd.kind, "refused" if isinstance(exc, GameRefused) else "failed").inc()
            if cmd.reply is not None and not cmd.reply.done():
                cmd.reply.set_exception(exc)
            elif not isinstance(exc, GameRefused | NotFound):
                log.exception("game_command_failed", room_id=str(self.room_id), kind=cmd.kind)
            return
        if cmd.kind != "wake":
            GAME_COMMANDS.labels(game, cmd.kind, "accepted").inc()
        if cmd.reply is not None and not cmd.reply.done():
            cmd.reply.set_result(result)

    async def execute(self, cmd: Command) -> Snapshot:
        if cmd.kind in ("forfeit", "fallback") and not self.owner:
            self.snapshot = None  # sweeps act on what the database says now
        for _ in range(MAX_RETRIES):
            cached = self.snapshot is not None and not self.owner
            snap = await self.load()
            assert self.plugin is not None
            try:
                return await self.attempt(snap, cmd)
            except GameRefused:
                if not cached:
                    raise
                # Refused by what this instance last saw: another instance may have moved the room
                # since (a join, a move); only a refusal by the current state counts.
                self.snapshot = None
            except _Stale:
                self.snapshot = None
                GAME_COMMANDS.labels(self.plugin.name, cmd.kind, "conflict").inc()
        raise refuse("BUSY", "The room is busy; try again.")

    async def attempt(self, snap: Snapshot, cmd: Command) -> Snapshot:
        """Apply `cmd` to `snap` and commit it; raises GameRefused, or _Stale when the room moved on."""
        assert self.plugin is not None
        if cmd.kind == "wake":
            return snap
        if cmd.kind == "fallback":
            # "Play now" found nobody in time: a bot of the game's middle level takes the seat.
            levels = self.plugin.bot_levels
            if snap.status != "waiting" or not levels or len(snap.present) >= self.plugin.max_players:
                return snap
            level = levels[len(levels) // 2]
            cmd = Command("join", bot_player(level), None, level)
        if cmd.kind == "move" and self.realtime:
            return await self.realtime_input(snap, cmd)
        change: Change | None
        if cmd.kind == "join":
            change = apply_join(snap, self.plugin, cmd)
        elif cmd.kind == "move":
            change = apply_move(snap, self.plugin, cmd)
        else:
            if cmd.kind == "forfeit":
                found = next((s for s in snap.seats if s.seat == cmd.seat and not s.left), None)
                if found is None or snap.status not in ("waiting", "active"):
                    return snap
                cmd.player, cmd.user_id = found.player, found.user_id
            change = apply_leave(snap, self.plugin, cmd)
        if change is None:
            return snap
        await self.commit(snap, change)
        return change.new

    async def play_bots(self) -> None:
        """Let bots move while it is their turn (turn-based rooms; real-time bots move on ticks)."""
        if self.realtime or self.snapshot is None or self.plugin is None:
            return
        for _ in range(MAX_BOT_MOVES):
            snap = self.snapshot
            if snap is None or snap.status != "active" or not self.inbox.empty():
                return
            bots = [s for s in snap.present if s.bot_level is not None]
            moved = False
            for seat in bots:
                assert seat.bot_level is not None
                plugin, state = self.plugin, snap.state
                move = await asyncio.to_thread(plugin.bot_move, state, seat.player, seat.bot_level)
                if move is None:
                    continue
                if self.engine.settings.bot_delay_seconds:
                    await asyncio.sleep(self.engine.settings.bot_delay_seconds)
                try:
                    await self.execute(Command("move", seat.player, None, seat.bot_level, move))
                except GameRefused as exc:
                    log.warning("game_bot_move_refused", room_id=str(self.room_id), code=exc.code, move=dict(move))
                    return
                moved = True
                break
            if not moved:
                return

    # -- real-time rooms ----------------------------------------------------------------------

    async def realtime_input(self, snap: Snapshot, cmd: Command) -> Snapshot:
        assert self.plugin is not None
        if snap.status == "active" and not self.owner:
            await self.realtime_step()
            snap = await self.load()
        if snap.status != "active" or self.owner:
            change = apply_move(snap, self.plugin, cmd)
            if change.new.outcome is not None:
                await self.finish_realtime(change.new.state)
            else:
                self.snapshot = replace(change.new, version=snap.version, status=snap.status)
            return self.snapshot or change.new
        if not cmd.forwarded:
            assert cmd.player is not None and cmd.move is not None
            await self.engine.forward(self.room_id, cmd.player, cmd.move)
        return snap

    async def realtime_step(self) -> None:
        """Hold or seek the lease; tick when due; save a snapshot now and then."""
        assert self.plugin is not None
        settings, now = self.engine.settings, time.monotonic()
        snap = await self.load()
        if snap.status != "active":
            if self.owner:
                await self.drop_lease()
            return
        if self.owner and self.lease_lost:
            await self.drop_lease(release=False)
            return
        if not self.owner:
            if now < self.lease_check_at:
                return
            self.lease_check_at = now + settings.lease_seconds / 3
            if not await self.take_lease():
                return
            self.owner, self.lease_lost, self.snapshot = True, False, None
            snap = await self.load()
            self.last_tick = self.last_saved = now
            self.next_tick = now + 1 / self.plugin.tick_rate
            await self.engine.listen(self.room_id)
            log.info("game_lease_taken", room_id=str(self.room_id))
        if now < self.next_tick:
            return
        period = 1 / self.plugin.tick_rate
        GAME_TICK_LAG.observe(now - self.next_tick)
        self.next_tick = self.next_tick + period if now - self.next_tick < period else now + period
        dt, self.last_tick = now - self.last_tick, now
        state = self.plugin.tick(snap.state, dt)
        for seat in snap.present:
            if seat.bot_level is not None:
                move = self.plugin.bot_move(state, seat.player, seat.bot_level)
                if move is not None:
                    result = self.plugin.handle(state, seat.player, move)
                    if not isinstance(result, GameError):
                        state = result
        self.tick_count += 1
        self.snapshot = replace(snap, state=state)
        frame = {"room_id": str(self.room_id), "tick": self.tick_count, "state": self.plugin.view(state, None)}
        await self.engine.gateway.publish(make_event(self.topic, ev.FRAME, frame))
        if self.plugin.result(state) is not None:
            await self.finish_realtime(state)
            return
        renew = now >= self.lease_check_at
        save = now - self.last_saved >= settings.snapshot_interval_seconds
        if (renew or save) and (self.chores is None or self.chores.done()):
            # Off the tick path: a slow database write must not delay the next frames. The state is
            # immutable, so writing it while the loop moves on is safe.
            if renew:
                self.lease_check_at = now + settings.lease_seconds / 3
            if save:
                self.last_saved = now
            self.chores = asyncio.create_task(self.do_chores(renew, self.snapshot if save else None))

    async def take_lease(self) -> bool:
        async with self.engine.db.writer() as db:
            return await self.lease_in(db)

    async def lease_in(self, db: AsyncSession) -> bool:
        """Take or renew this room's lease for this instance, in `db`'s transaction."""
        now = utcnow()
        until = now + timedelta(seconds=self.engine.settings.lease_seconds)
        return await self.engine.repo.take_lease(db, self.room_id, self.engine.instance_id, now, until)

    async def do_chores(self, renew: bool, save: Snapshot | None) -> None:
        """Renew the lease and/or write a restore point, beside the tick loop, in the engine's next
        group commit (every owned room's chores share one transaction)."""
        assert self.plugin is not None
        plugin = self.plugin

        async def write(db: AsyncSession) -> tuple[bool, bool]:
            if renew and not await self.lease_in(db):
                return False, False
            if save is None:
                return True, False
            values = {"state": plugin.encode(save.state), "updated_at": utcnow()}
            return True, await self.engine.repo.bump(db, self.room_id, save.version, values)

        try:
            held, saved = await self.engine.group.run(write)
            if not held:
                self.lease_lost = True
                return
            if save is not None:
                current = self.snapshot
                if not saved:
                    self.snapshot = None  # someone joined or left elsewhere: continue from the database
                elif current is not None and current.version == save.version:
                    self.snapshot = replace(current, version=save.version + 1)
        except Exception:
            log.warning("game_chores_failed", room_id=str(self.room_id), exc_info=True)

    async def finish_chores(self) -> None:
        if self.chores is not None:
            with contextlib.suppress(Exception):
                await self.chores
            self.chores = None

    async def finish_realtime(self, state: Any) -> None:
        """The real-time game just ended: write the final state and outcome, and stop the loop."""
        assert self.plugin is not None
        await self.finish_chores()
        for _ in range(MAX_RETRIES):
            snap = await self.load()
            result = self.plugin.result(state)
            if snap.status != "active" or result is None:
                break
            new = replace(snap, state=state, version=snap.version + 1, status="finished", outcome=result)
            try:
                await self.commit(snap, Change(new, "", Player("engine", "engine")))
                break
            except _Stale:
                self.snapshot = None  # a join or leave elsewhere: the final state still stands
        await self.drop_lease()

    async def commit_quiet(self, snap: Snapshot, new: Snapshot) -> None:
        assert self.plugin is not None
        async with self.engine.db.writer() as db:
            ok = await self.engine.repo.bump(
                db, self.room_id, snap.version, {"state": self.plugin.encode(new.state), "updated_at": utcnow()}
            )
            if not ok:
                raise _Stale
        self.snapshot = new

    async def drop_lease(self, *, release: bool = True) -> None:
        if not self.owner:
            return
        self.owner = False
        await self.engine.unlisten(self.room_id)
        if release:
            with contextlib.suppress(Exception):
                async with self.engine.db.writer() as db:
                    await self.engine.repo.release_lease(db, self.room_id, self.engine.instance_id)


# -- the engine ------------------------------------------------------------------------------------


class GameEngine:
    """The live rooms of this instance, the reconnect windows and matchmaking fallback sweep."""

    def __init__(
        self,
        settings: GamesSettings,
        db: Database,
        gateway: Gateway,
        registry: GameRegistry,
        bus: Broker,
        instance_id: str | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.gateway = gateway
        self.registry = registry
        self.bus = bus
        self.instance_id = instance_id or uuid.uuid4().hex
        self.repo = GamesRepository()
        self.group = GroupCommit(db)
        self.actors: dict[uuid.UUID, RoomActor] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        await self.bus.start(self._on_input, self._on_bus_reconnect)
        self._sweeper = asyncio.create_task(self._sweep(), name="games-sweep")

    async def stop(self) -> None:
        self._stopping = True
        tasks = [t for t in (self._sweeper, *(a.task for a in self.actors.values())) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                async with asyncio.timeout(2.0):
                    await task
        await self.bus.stop()

    # -- commands -----------------------------------------------------------------------------

    def _actor(self, room_id: uuid.UUID) -> RoomActor:
        actor = self.actors.get(room_id)
        if actor is None:
            actor = RoomActor(self, room_id)
            self.actors[room_id] = actor
            GAME_ROOMS_LIVE.inc()
            actor.task = asyncio.create_task(actor.run(), name=f"game-room-{room_id}")
        return actor

    def forget(self, actor: RoomActor) -> None:
        # No await between the inbox check in the loop and this: a command either found the
        # actor before it decided to stop (and was handled), or creates a new one.
        if self.actors.get(actor.room_id) is actor:
            del self.actors[actor.room_id]
            GAME_ROOMS_LIVE.dec()

    async def submit(self, room_id: uuid.UUID, cmd: Command) -> Snapshot:
        if self._stopping:
            raise ServiceUnavailable("The server is shutting down; try again.")
        cmd.reply = asyncio.get_running_loop().create_future()
        self._actor(room_id).inbox.put_nowait(cmd)
        try:
            async with asyncio.timeout(REPLY_TIMEOUT):
                return await cmd.reply
        except TimeoutError as exc:
            raise ServiceUnavailable("The game room did not answer in time; try again.") from exc

    def post(self, room_id: uuid.UUID, cmd: Command) -> None:
        """A command nobody waits for (forwarded inputs, sweeps, wake-ups)."""
        if not self._stopping:
            self._actor(room_id).inbox.put_nowait(cmd)

    async def join(
        self, room_id: uuid.UUID, player: Player, user_id: uuid.UUID | None, bot_level: str | None = None
    ) -> Snapshot:
        return await self.submit(room_id, Command("join", player, user_id, bot_level))

    async def leave(self, room_id: uuid.UUID, player: Player, user_id: uuid.UUID | None) -> Snapshot:
        return await self.submit(room_id, Command("leave", player, user_id))

    async def move(
        self, room_id: uuid.UUID, player: Player, user_id: uuid.UUID | None, move: Mapping[str, Any]
    ) -> Snapshot:
        return await self.submit(room_id, Command("move", player, user_id, None, move))

    async def current(self, room_id: uuid.UUID) -> Snapshot:
        """The room as its actor holds it (restoring it from the database if it was not live here)."""
        return await self.submit(room_id, Command("wake"))

    def wake(self, room_id: uuid.UUID) -> None:
        self.post(room_id, Command("wake"))

    # -- the real-time input bus --------------------------------------------------------------

    async def forward(self, room_id: uuid.UUID, player: Player, move: Mapping[str, Any]) -> None:
        data = {"player": {"id": player.id, "name": player.name, "is_bot": player.is_bot}, "move": dict(move)}
        await self.bus.publish(make_event(f"input:{room_id}", "game.input", data))

    async def listen(self, room_id: uuid.UUID) -> None:
        await self.bus.subscribe(f"input:{room_id}")

    async def unlisten(self, room_id: uuid.UUID) -> None:
        await self.bus.unsubscribe(f"input:{room_id}")

    def _on_input(self, event: Event) -> None:
        try:
            room_id = uuid.UUID(event.topic.removeprefix("input:"))
            data = orjson.loads(event.frame)["data"]
            p = data["player"]
            player = Player(str(p["id"]), str(p["name"]), bool(p["is_bot"]))
            move = data["move"]
        except (ValueError, KeyError, TypeError):
            log.warning("game_input_malformed", topic=event.topic)
            return
        actor = self.actors.get(room_id)
        if actor is not None and actor.owner:
            actor.inbox.put_nowait(Command("move", player, None, None, move, forwarded=True))

    async def _on_bus_reconnect(self) -> None:
        """Inputs sent while the bus was down are lost: real-time inputs are superseded by the next ones."""

    # -- presence: the reconnect window -------------------------------------------------------

    async def player_away(self, user_id: uuid.UUID) -> None:
        """The user's last socket closed: each live game of theirs waits `reconnect_window_seconds`."""
        async with self.db.reader(fresh=True) as db:
            if not await self.repo.live_seats_of_user(db, user_id):
                return
        deadline = utcnow() + timedelta(seconds=self.settings.reconnect_window_seconds)
        events: list[Event] = []
        async with self.db.writer() as db:
            for seat in await self.repo.live_seats_of_user(db, user_id):
                if await self.repo.set_away(db, seat.room_id, seat.seat, deadline, only_if_away=False):
                    data = {
                        "room_id": str(seat.room_id),
                        "player": seat.player_id,
                        "name": seat.name,
                        "deadline": deadline.isoformat(),
                        "seconds": self.settings.reconnect_window_seconds,
                    }
                    events.append(await append_event(db, ev.game_topic(seat.room_id), ev.PLAYER_AWAY, data))
        for event in events:
            await self.gateway.publish(event)

    async def player_back(self, user_id: uuid.UUID) -> None:
        async with self.db.reader(fresh=True) as db:
            if not any(seat.away_until is not None for seat in await self.repo.live_seats_of_user(db, user_id)):
                return
        events: list[Event] = []
        async with self.db.writer() as db:
            for seat in await self.repo.live_seats_of_user(db, user_id):
                if await self.repo.set_away(db, seat.room_id, seat.seat, None, only_if_away=True):
                    data = {"room_id": str(seat.room_id), "player": seat.player_id, "name": seat.name}
                    events.append(await append_event(db, ev.game_topic(seat.room_id), ev.PLAYER_BACK, data))
        for event in events:
            await self.gateway.publish(event)

    # -- the sweep ----------------------------------------------------------------------------

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self.settings.sweep_interval_seconds)
            try:
                await self.sweep_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("games_sweep_failed")

    async def sweep_once(self) -> None:
        now = utcnow()
        async with self.db.reader(fresh=True) as db:
            due = await self.repo.away_seats_due(db, now)
            stale = await self.repo.stale_matches(db, now - timedelta(seconds=self.settings.bot_fallback_seconds))
        for room_id, seat in due:
            self.post(room_id, Command("forfeit", seat=seat))
        for room_id in stale:
            self.post(room_id, Command("fallback"))
