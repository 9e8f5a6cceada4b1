"""Real-time rooms: the lease, the ticks and the restore points, beside a room's actor.

A real-time room (tick_rate > 0) ticks only on the instance holding its lease (a conditional UPDATE of
`lease_owner`/`lease_until`, renewed every third of its length). The owner keeps the state in memory;
the instance's tick scheduler for the room's rate (ticker.py) calls `tick`, which advances the state
and returns the room's frame (a keyframe or a delta, frames.py), and it writes a snapshot every
`snapshot_interval_seconds`;
renewals and snapshots of every owned room share the engine's group commits (db/batch.py), off the
tick path. Inputs that reach another instance are forwarded to the owner over the games bus. When the
owner dies its lease lapses and any instance with an actor for the room takes over from the last
snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.events import Event
from sanctum.domains.games.engine.context import EngineContext
from sanctum.domains.games.engine.frames import RoomFrames
from sanctum.domains.games.engine.rules import Change, Command, Snapshot, Stale, apply_move
from sanctum.domains.games.engine.sdk import GameError, GamePlugin, Player
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.games")

MAX_RETRIES = 5


class LiveActor(Protocol):
    """What the real-time half needs of its room's actor (actor.py)."""

    ctx: EngineContext
    room_id: uuid.UUID
    topic: str
    plugin: GamePlugin[Any] | None
    snapshot: Snapshot | None

    async def load(self) -> Snapshot: ...

    def poke(self) -> None: ...

    async def commit(self, old: Snapshot, change: Change) -> None: ...


class RealtimeRoom:
    """The real-time half of one room's actor on this instance."""

    def __init__(self, actor: LiveActor) -> None:
        self.actor = actor
        self.ctx = actor.ctx
        # The loop runs only while this instance owns the room's lease.
        self.owner = False
        self.lease_check_at = 0.0
        self.last_tick = 0.0
        self.last_saved = 0.0
        self.tick_count = 0
        self.lease_lost = False
        self.chores: asyncio.Task[None] | None = None
        self.frames = RoomFrames(actor.room_id, actor.topic, actor.ctx.settings.keyframe_interval_ticks)
        # The final state the last tick reached; the actor writes it (`step`).
        self.ended: Any = None
        self.held = 0  # commands of the actor in flight that hold the ticks

    async def input(self, snap: Snapshot, cmd: Command) -> Snapshot:
        assert self.actor.plugin is not None
        if snap.status == "active" and not self.owner:
            await self.step()
            snap = await self.actor.load()
        if snap.status != "active" or self.owner:
            change = apply_move(snap, self.actor.plugin, cmd)
            if change.new.outcome is not None:
                await self.finish(change.new.state)
            else:
                self.actor.snapshot = replace(change.new, version=snap.version, status=snap.status)
            return self.actor.snapshot or change.new
        if not cmd.forwarded:
            assert cmd.player is not None and cmd.move is not None
            await self.ctx.forward(self.actor.room_id, cmd.player, cmd.move)
        return snap

    async def step(self) -> None:
        """In the actor's turn: hold or seek the lease, join or leave the tick scheduler, and finish a
        game the last tick ended."""
        assert self.actor.plugin is not None
        settings, now = self.ctx.settings, time.monotonic()
        if self.ended is not None:
            ended, self.ended = self.ended, None
            await self.finish(ended)
            return
        snap = await self.actor.load()
        if snap.status != "active":
            if self.owner:
                await self.drop_lease()
            return
        if self.owner and self.lease_lost:
            await self.drop_lease(release=False)
            return
        if self.owner:
            return
        if now < self.lease_check_at:
            return
        self.lease_check_at = now + settings.lease_seconds / 3
        if not await self.take_lease():
            return
        self.owner, self.lease_lost, self.actor.snapshot = True, False, None
        snap = await self.actor.load()
        self.last_tick = self.last_saved = time.monotonic()
        self.frames = RoomFrames(self.actor.room_id, self.actor.topic, settings.keyframe_interval_ticks)
        await self.ctx.listen(self.actor.room_id)
        self.ctx.tickers.add(self, self.actor.plugin.tick_rate)
        log.info("game_lease_taken", room_id=str(self.actor.room_id))

    def tick(self, now: float) -> Event | None:
        """One tick, from the scheduler (ticker.py): plain calls, no await, so nothing of the actor's
        runs in between. Returns the frame to publish; chores and the end of the game are handed on."""
        plugin, snap, settings = self.actor.plugin, self.actor.snapshot, self.ctx.settings
        if plugin is None or not self.owner or self.ended is not None or self.lease_lost or self.held:
            return None
        if snap is None or snap.status != "active":
            self.actor.poke()  # reload (a join or leave elsewhere), or stop: in the actor's turn
            return None
        dt, self.last_tick = now - self.last_tick, now
        state = plugin.tick(snap.state, dt)
        for seat in snap.present:
            if seat.bot_level is not None:
                move = plugin.bot_move(state, seat.player, seat.bot_level)
                if move is not None:
                    result = plugin.handle(state, seat.player, move)
                    if not isinstance(result, GameError):
                        state = result
        self.tick_count += 1
        # The constructor, not dataclasses.replace: this runs for every room on every tick.
        self.actor.snapshot = Snapshot(
            snap.room_id, snap.game, snap.status, snap.version, state, snap.seats, snap.outcome
        )
        frame = self.frames.next(self.tick_count, plugin.view(state, None))
        if plugin.result(state) is not None:
            self.ended = state
            self.ctx.tickers.remove(self, plugin.tick_rate)
            self.actor.poke()
            return frame
        renew = now >= self.lease_check_at
        save = now - self.last_saved >= settings.snapshot_interval_seconds
        if (renew or save) and (self.chores is None or self.chores.done()):
            # Off the tick path: a slow database write must not delay the next frames. The state is
            # immutable, so writing it while the loop moves on is safe.
            if renew:
                self.lease_check_at = now + settings.lease_seconds / 3
            if save:
                self.last_saved = now
            self.chores = asyncio.create_task(self.do_chores(renew, self.actor.snapshot if save else None))
        return frame

    async def take_lease(self) -> bool:
        async with self.ctx.db.writer() as db:
            return await self.lease_in(db)

    async def lease_in(self, db: AsyncSession) -> bool:
        """Take or renew this room's lease for this instance, in `db`'s transaction."""
        now = utcnow()
        until = now + timedelta(seconds=self.ctx.settings.lease_seconds)
        return await self.ctx.repo.take_lease(db, self.actor.room_id, self.ctx.instance_id, now, until)

    async def do_chores(self, renew: bool, save: Snapshot | None) -> None:
        """Renew the lease and/or write a restore point, beside the tick loop, in the engine's next
        group commit (every owned room's chores share one transaction)."""
        assert self.actor.plugin is not None
        plugin = self.actor.plugin

        async def write(db: AsyncSession) -> tuple[bool, bool]:
            if renew and not await self.lease_in(db):
                return False, False
            if save is None:
                return True, False
            state = plugin.encode(save.state)
            return True, await self.ctx.repo.save_state(db, self.actor.room_id, save.version, state, utcnow())

        try:
            held, saved = await self.ctx.group.run(write)
            if not held:
                self.lease_lost = True
                self.actor.poke()
                return
            if save is not None:
                current = self.actor.snapshot
                if not saved:
                    self.actor.snapshot = None  # someone joined or left elsewhere: continue from the database
                elif current is not None and current.version == save.version:
                    self.actor.snapshot = replace(current, version=save.version + 1)
        except Exception:
            log.warning("game_chores_failed", room_id=str(self.actor.room_id), exc_info=True)

    async def finish_chores(self) -> None:
        if self.chores is not None:
            with contextlib.suppress(Exception):
                await self.chores
            self.chores = None

    async def finish(self, state: Any) -> None:
        """The real-time game just ended: write the final state and outcome, and stop the loop."""
        assert self.actor.plugin is not None
        self.ctx.tickers.remove(self, self.actor.plugin.tick_rate)
        await self.finish_chores()
        for _ in range(MAX_RETRIES):
            snap = await self.actor.load()
            result = self.actor.plugin.result(state)
            if snap.status != "active" or result is None:
                break
            new = replace(snap, state=state, version=snap.version + 1, status="finished", outcome=result)
            try:
                await self.actor.commit(snap, Change(new, None, Player("engine", "engine")))
                break
            except Stale:
                self.actor.snapshot = None  # a join or leave elsewhere: the final state still stands
        await self.drop_lease()

    async def commit_quiet(self, snap: Snapshot, new: Snapshot) -> None:
        assert self.actor.plugin is not None
        async with self.ctx.db.writer() as db:
            ok = await self.ctx.repo.bump(
                db,
                self.actor.room_id,
                snap.version,
                {"state": self.actor.plugin.encode(new.state), "updated_at": utcnow()},
            )
            if not ok:
                raise Stale
        self.actor.snapshot = new

    async def drop_lease(self, *, release: bool = True) -> None:
        if not self.owner:
            return
        self.owner = False
        if self.actor.plugin is not None:
            self.ctx.tickers.remove(self, self.actor.plugin.tick_rate)
        await self.ctx.unlisten(self.actor.room_id)
        if release:
            with contextlib.suppress(Exception):
                async with self.ctx.db.writer() as db:
                    await self.ctx.repo.release_lease(db, self.actor.room_id, self.ctx.instance_id)
                await self.ctx.released(self.actor.room_id)

    async def shut_down(self) -> None:
        """The actor is stopping: let a renewal in flight land, then (if this instance owns the room) save
        the live state and release the lease so another instance can take over at once."""
        if self.chores is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2.0):
                    await asyncio.shield(self.chores)
        if self.owner:
            snap = self.actor.snapshot
            if snap is not None and snap.status == "active":
                with contextlib.suppress(Exception):
                    await self.commit_quiet(snap, replace(snap, version=snap.version + 1))
            await self.drop_lease()
