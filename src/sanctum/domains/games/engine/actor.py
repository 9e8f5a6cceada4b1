"""A room's actor: an asyncio task with an inbox, one per live room on each instance.

Commands for a room (join, leave, move, forfeit, wake) queue in its actor's inbox and run one at a
time, so plugin code never sees concurrency. The actor applies a command to its snapshot with the pure
rules (rules.py) and commits the result in one unit of work: a conditional UPDATE of the room from the
version it saw to the next (`WHERE version = :seen`), the move row keyed by (room_id, version), seat
changes and the `game:{id}` events, which the unit of work publishes after commit. Two instances may
each have an actor for one room: the one that commits second finds the version moved, reloads the room
and runs the command again against the new state (where it may now be refused, e.g. NOT_YOUR_TURN).
The database is the one copy of a room: an actor whose instance dies is rebuilt from it elsewhere.
Real-time rooms hand their lease and tick loop to a `RealtimeRoom` (realtime.py). Actors with nothing
to do stop on their own.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, NotFound, ServiceUnavailable
from sanctum.domains.games import events as ev
from sanctum.domains.games.engine.context import EngineContext
from sanctum.domains.games.engine.errors import GameRefused, refuse
from sanctum.domains.games.engine.realtime import RealtimeRoom
from sanctum.domains.games.engine.rules import (
    Change,
    Command,
    Seat,
    Snapshot,
    Stale,
    apply_join,
    apply_leave,
    apply_move,
    bot_player,
    outcome_wire,
    players_wire,
)
from sanctum.domains.games.engine.sdk import GamePlugin, Outcome, Player
from sanctum.domains.games.ratings import START, elo
from sanctum.observability import tracing
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import GAME_COMMANDS

log = get_logger("sanctum.games")

MAX_RETRIES = 5
MAX_BOT_MOVES = 500


class RoomActor:
    def __init__(self, ctx: EngineContext, room_id: uuid.UUID) -> None:
        self.ctx = ctx
        self.room_id = room_id
        self.topic = ev.game_topic(room_id)
        self.inbox: asyncio.Queue[Command] = asyncio.Queue()
        self.snapshot: Snapshot | None = None
        self.plugin: GamePlugin[Any] | None = None
        self.last_used = time.monotonic()
        self.live = RealtimeRoom(self)
        self.task: asyncio.Task[None] | None = None

    def poke(self) -> None:
        """Have the actor look at its room in its own turn (the tick scheduler calls this)."""
        if self.inbox.empty():
            self.inbox.put_nowait(Command("wake"))

    @property
    def realtime(self) -> bool:
        return self.plugin is not None and self.plugin.tick_rate > 0

    # -- loading and committing ---------------------------------------------------------------

    async def load(self) -> Snapshot:
        if self.snapshot is not None:
            return self.snapshot
        repo = self.ctx.repo
        async with self.ctx.db.reader(fresh=True) as db:
            room = await repo.room(db, self.room_id)
            if room is None:
                raise NotFound("No such game room.", code=ErrorCode.GAME_ROOM_NOT_FOUND)
            seats = await repo.seats(db, self.room_id)
        plugin = self.ctx.registry.get(room.game)
        if plugin is None:
            raise NotFound("This game is not available on this server.", code=ErrorCode.GAME_NOT_FOUND)
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

    def event_data(self, snap: Snapshot) -> dict[str, Any]:
        """What every persistent game event carries: the room after the change, as spectators see it."""
        assert self.plugin is not None
        return {
            "room_id": snap.room_id,
            "version": snap.version,
            "status": snap.status,
            "players": players_wire(snap),
            "state": self.plugin.view(snap.state, None),
            "outcome": outcome_wire(snap.outcome),
        }

    async def commit(self, old: Snapshot, change: Change) -> None:
        """Write `change` if the room is still at `old.version`; raise Stale otherwise."""
        assert self.plugin is not None
        new, repo, now = change.new, self.ctx.repo, utcnow()
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
        async with self.ctx.db.writer() as db:
            if not await repo.bump(db, self.room_id, old.version, values):
                raise Stale
            if change.forfeit_seat is not None and not await repo.forfeit_seat(
                db, self.room_id, change.forfeit_seat, now
            ):
                raise Stale
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
            if change.event is ev.MOVED:
                moved = ev.Moved(**self.event_data(new), player=change.player.id, move=dict(change.move or {}))
                await db.emit(self.topic, ev.MOVED, moved)
            elif change.event is not None:
                await db.emit(
                    self.topic, change.event, ev.PlayerChange(**self.event_data(new), player=change.player.id)
                )
            if new.outcome is not None and old.outcome is None:
                await db.emit(self.topic, ev.ENDED, ev.GameChange(**self.event_data(new)))
                await self.rate(db, new)
        self.snapshot = new

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
        found = await self.ctx.repo.lock_ratings(db, snap.game, [a.user_id, b.user_id], START, now)
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
        settings = self.ctx.settings
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
                    await self.live.step()
                idle = time.monotonic() - self.last_used >= settings.actor_idle_seconds
                done = self.snapshot is not None and self.snapshot.status in ("finished", "abandoned")
                if self.inbox.empty() and not self.live.owner and (idle or done):
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("game_actor_failed", room_id=str(self.room_id))
        finally:
            self.ctx.forget(self.room_id, self)
            while not self.inbox.empty():
                stranded = self.inbox.get_nowait()
                if stranded.reply is not None and not stranded.reply.done():
                    stranded.reply.set_exception(ServiceUnavailable("The room is restarting; try again."))
            await self.live.shut_down()

    def wake_in(self) -> float:
        now = time.monotonic()
        if self.realtime and self.snapshot is not None and self.snapshot.status == "active":
            # An owner's room ticks on the scheduler, which pokes the actor when it has work for it.
            if self.live.owner:
                return 1.0
            return max(0.0, self.live.lease_check_at - now)
        return max(0.01, self.last_used + self.ctx.settings.actor_idle_seconds - now)

    async def handle(self, cmd: Command) -> None:
        game = self.plugin.name if self.plugin is not None else "unknown"
        # A command that may commit (a join, a leave) holds the ticks, so none is overwritten by it.
        hold = cmd.kind not in ("move", "wake")
        try:
            self.live.held += hold
            with tracing.continuing(f"game.room {cmd.kind}", cmd.trace, attributes={"sanctum.game": game}):
                result = await self.execute(cmd)
        except Exception as exc:
            if cmd.kind != "wake":
                GAME_COMMANDS.labels(game, cmd.kind, "refused" if isinstance(exc, GameRefused) else "failed").inc()
            if cmd.reply is not None and not cmd.reply.done():
                cmd.reply.set_exception(exc)
            elif not isinstance(exc, GameRefused | NotFound):
                log.exception("game_command_failed", room_id=str(self.room_id), kind=cmd.kind)
            return
        finally:
            self.live.held -= hold
        if cmd.kind != "wake":
            GAME_COMMANDS.labels(game, cmd.kind, "accepted").inc()
        if cmd.reply is not None and not cmd.reply.done():
            cmd.reply.set_result(result)

    async def execute(self, cmd: Command) -> Snapshot:
        if cmd.kind in ("forfeit", "fallback") and not self.live.owner:
            self.snapshot = None  # sweeps act on what the database says now
        for _ in range(MAX_RETRIES):
            cached = self.snapshot is not None and not self.live.owner
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
            except Stale:
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
            return await self.live.input(snap, cmd)
        change: Change | None
        if cmd.kind == "join":
            change = apply_join(snap, self.plugin, cmd)
        elif cmd.kind == "move":
            if cmd.version is not None and cmd.version != snap.version:
                return await self.replayed(snap, cmd)
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

    async def replayed(self, snap: Snapshot, cmd: Command) -> Snapshot:
        """A move played at another version than the room's: the retry of one that was applied (this
        user's same move, stored at the next version) answers with the room as it is now; any other
        is refused, since it was chosen on an outdated view of the board."""
        assert cmd.version is not None
        if cmd.version < snap.version:
            async with self.ctx.db.reader(fresh=True) as db:
                played = await self.ctx.repo.move_at(db, self.room_id, cmd.version + 1)
            if (
                played is not None
                and played.kind == "move"
                and played.user_id == cmd.user_id
                and played.data == dict(cmd.move or {})
            ):
                return snap
        raise refuse(ErrorCode.STALE_VERSION, "The room has moved on since that version.", version=snap.version)

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
                if self.ctx.settings.bot_delay_seconds:
                    await asyncio.sleep(self.ctx.settings.bot_delay_seconds)
                try:
                    await self.execute(Command("move", seat.player, None, seat.bot_level, move))
                except GameRefused as exc:
                    log.warning("game_bot_move_refused", room_id=str(self.room_id), code=exc.code, move=dict(move))
                    return
                moved = True
                break
            if not moved:
                return
