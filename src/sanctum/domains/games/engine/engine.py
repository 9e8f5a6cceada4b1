"""The engine: the live rooms of this instance, the real-time input bus, reconnect windows and sweeps.

Each live room is one actor (actor.py) started on the first command for it and stopped when idle; the
engine hands commands to actors (`submit` waits for the result, `post` does not). Inputs for a
real-time room that reach an instance not owning it are forwarded over the games bus (a broker topic
`input:{room id}` the owner subscribes to). A periodic sweep on each instance forfeits players whose
reconnect window ran out and seats a bot in "play now" rooms that waited too long; both go through
the version check, so two instances sweeping at once do the work once.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import orjson

from sanctum.broker.base import Broker
from sanctum.core.clock import utcnow
from sanctum.core.errors import ServiceUnavailable
from sanctum.core.events import Event, make_event
from sanctum.db.batch import GroupCommit
from sanctum.db.database import Database
from sanctum.domains.games import events as ev
from sanctum.domains.games.engine.actor import RoomActor
from sanctum.domains.games.engine.context import EngineContext, Plugins
from sanctum.domains.games.engine.rules import Command, Snapshot
from sanctum.domains.games.engine.sdk import Player
from sanctum.domains.games.engine.ticker import Tickers
from sanctum.domains.games.repository import GamesRepository
from sanctum.observability import tracing
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import GAME_ROOMS_LIVE
from sanctum.realtime.publisher import Publisher
from sanctum.settings import GamesSettings

log = get_logger("sanctum.games")

REPLY_TIMEOUT = 15.0
KEYFRAME_WANTED = "game.keyframe_wanted"  # on the games bus only, never on a socket


# One bus channel for every room's lease releases (rare: shutdowns and finished games).
LEASES_TOPIC = "leases"


class GameEngine:
    """The live rooms of this instance, the reconnect windows and matchmaking fallback sweep."""

    def __init__(
        self,
        settings: GamesSettings,
        db: Database,
        publisher: Publisher,
        registry: Plugins,
        bus: Broker,
        instance_id: str | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.publisher = publisher
        self.registry = registry
        self.bus = bus
        self.instance_id = instance_id or uuid.uuid4().hex
        self.repo = GamesRepository()
        self.group = GroupCommit(db)
        self.actors: dict[uuid.UUID, RoomActor] = {}
        self.tickers = Tickers(publisher.publish_many)
        self.ctx = EngineContext(
            settings=settings,
            db=db,
            repo=self.repo,
            group=self.group,
            registry=registry,
            publisher=publisher,
            instance_id=self.instance_id,
            tickers=self.tickers,
            forward=self.forward,
            listen=self.listen,
            unlisten=self.unlisten,
            released=self.released,
            forget=self.forget,
        )
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        await self.bus.start(self._on_input, self._on_bus_reconnect)
        await self.bus.subscribe(LEASES_TOPIC)
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
        await self.tickers.stop()
        await self.bus.stop()

    # -- commands -----------------------------------------------------------------------------

    def _actor(self, room_id: uuid.UUID) -> RoomActor:
        actor = self.actors.get(room_id)
        if actor is None:
            actor = RoomActor(self.ctx, room_id)
            self.actors[room_id] = actor
            GAME_ROOMS_LIVE.inc()
            actor.task = asyncio.create_task(actor.run(), name=f"game-room-{room_id}")
        return actor

    def forget(self, room_id: uuid.UUID, actor: object) -> None:
        # No await between the inbox check in the loop and this: a command either found the
        # actor before it decided to stop (and was handled), or creates a new one.
        if self.actors.get(room_id) is actor:
            del self.actors[room_id]
            GAME_ROOMS_LIVE.dec()

    async def submit(self, room_id: uuid.UUID, cmd: Command) -> Snapshot:
        if self._stopping:
            raise ServiceUnavailable("The server is shutting down; try again.")
        cmd.reply = asyncio.get_running_loop().create_future()
        cmd.trace = cmd.trace or tracing.current_traceparent()
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
        self,
        room_id: uuid.UUID,
        player: Player,
        user_id: uuid.UUID | None,
        move: Mapping[str, Any],
        version: int | None = None,
    ) -> Snapshot:
        return await self.submit(room_id, Command("move", player, user_id, None, move, version=version))

    async def current(self, room_id: uuid.UUID) -> Snapshot:
        """The room as its actor holds it (restoring it from the database if it was not live here)."""
        return await self.submit(room_id, Command("wake"))

    def wake(self, room_id: uuid.UUID) -> None:
        self.post(room_id, Command("wake"))

    # -- the real-time input bus --------------------------------------------------------------

    async def forward(self, room_id: uuid.UUID, player: Player, move: Mapping[str, Any]) -> None:
        data = {"player": {"id": player.id, "name": player.name, "is_bot": player.is_bot}, "move": dict(move)}
        await self.bus.publish(make_event(f"input:{room_id}", "game.input", data))

    async def want_keyframe(self, room_id: uuid.UUID) -> None:
        """A socket subscribed to the room: its next frame is a keyframe, on whichever instance ticks it."""
        actor = self.actors.get(room_id)
        if actor is not None and actor.live.owner:
            actor.live.frames.want_keyframe()
        else:
            await self.bus.publish(make_event(f"input:{room_id}", KEYFRAME_WANTED, {}))

    async def listen(self, room_id: uuid.UUID) -> None:
        await self.bus.subscribe(f"input:{room_id}")

    async def unlisten(self, room_id: uuid.UUID) -> None:
        await self.bus.unsubscribe(f"input:{room_id}")

    async def released(self, room_id: uuid.UUID) -> None:
        await self.bus.publish(make_event(LEASES_TOPIC, "game.lease_released", {"room_id": str(room_id)}))

    def _on_lease_released(self, event: Event) -> None:
        """Another instance let a room go (it is shutting down): an actor of it here seeks the lease now
        instead of at its next check, so the room's loop moves without waiting a third of a lease."""
        try:
            room_id = uuid.UUID(orjson.loads(event.frame)["data"]["room_id"])
        except (ValueError, KeyError, TypeError):
            return
        actor = self.actors.get(room_id)
        if actor is not None and not actor.live.owner and not self._stopping:
            actor.live.lease_check_at = 0.0
            self.wake(room_id)

    def _on_input(self, event: Event) -> None:
        if event.topic == LEASES_TOPIC:
            self._on_lease_released(event)
            return
        try:
            room_id = uuid.UUID(event.topic.removeprefix("input:"))
            if event.type == KEYFRAME_WANTED:
                owner = self.actors.get(room_id)
                if owner is not None and owner.live.owner:
                    owner.live.frames.want_keyframe()
                return
            data = orjson.loads(event.frame)["data"]
            p = data["player"]
            player = Player(str(p["id"]), str(p["name"]), bool(p["is_bot"]))
            move = data["move"]
        except (ValueError, KeyError, TypeError):
            log.warning("game_input_malformed", topic=event.topic)
            return
        actor = self.actors.get(room_id)
        if actor is not None and actor.live.owner:
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
        async with self.db.writer() as db:
            for seat in await self.repo.live_seats_of_user(db, user_id):
                if await self.repo.set_away(db, seat.room_id, seat.seat, deadline, only_if_away=False):
                    away = ev.PlayerAway(
                        room_id=seat.room_id,
                        player=seat.player_id,
                        name=seat.name,
                        deadline=deadline,
                        seconds=self.settings.reconnect_window_seconds,
                    )
                    await db.emit(ev.game_topic(seat.room_id), ev.PLAYER_AWAY, away)

    async def player_back(self, user_id: uuid.UUID) -> None:
        async with self.db.reader(fresh=True) as db:
            if not any(seat.away_until is not None for seat in await self.repo.live_seats_of_user(db, user_id)):
                return
        async with self.db.writer() as db:
            for seat in await self.repo.live_seats_of_user(db, user_id):
                if await self.repo.set_away(db, seat.room_id, seat.seat, None, only_if_away=True):
                    back = ev.PlayerBack(room_id=seat.room_id, player=seat.player_id, name=seat.name)
                    await db.emit(ev.game_topic(seat.room_id), ev.PLAYER_BACK, back)

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
