"""Games: the catalogue, rooms, play, matchmaking and invitations (ratings, history, replays: records.py).

Authorization lives here: only a seated player moves or leaves, only a player of a finished game
asks for a rematch or invites, anyone signed in may watch. Commands that change a room go through
the engine (`engine/`), which serializes them per room and commits them with the version check.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.api.errors import validation_fields
from sanctum.core.clock import utcnow
from sanctum.core.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from sanctum.core.pagination import encode_cursor
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.blocks import BlockService
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.games import events as ev
from sanctum.domains.games.engine.engine import GameEngine
from sanctum.domains.games.engine.errors import GameRefused, refuse
from sanctum.domains.games.engine.rules import bot_player
from sanctum.domains.games.engine.sdk import GamePlugin, Player
from sanctum.domains.games.models import GameRoom, GameSeat
from sanctum.domains.games.ratings import START
from sanctum.domains.games.records import outcome_read, page_key, players_read, plugin_named
from sanctum.domains.games.registry import GameRegistry
from sanctum.domains.games.repository import GamesRepository
from sanctum.domains.games.schemas import (
    GameList,
    GameRoomCreate,
    GameRoomRead,
    GameRoomSummary,
    GameType,
    RoomPage,
)
from sanctum.observability import tracing

MAX_MOVE_BYTES = 1_024
# "Play now" pairs players whose ratings differ by at most this, widening the longer a room waits.
MATCH_WINDOW = 100
MATCH_WINDOW_PER_SECOND = 50


def match_distance(waiting: int, mine: int, waited_seconds: float) -> float:
    """How far apart a waiting player's rating and mine are; infinite outside the window, which
    widens the longer they have waited, so nobody waits for a perfect match for ever."""
    window = MATCH_WINDOW + MATCH_WINDOW_PER_SECOND * max(0.0, waited_seconds)
    gap = abs(waiting - mine)
    return gap if gap <= window else float("inf")


def player_of(actor: Actor) -> Player:
    user = actor.user
    return Player(id=str(user.id), name=(user.display_name or user.username)[:80])


def default_bot_level(levels: Sequence[str]) -> str | None:
    """The middle level (as the engine's play-now fallback picks it): one default everywhere."""
    return levels[len(levels) // 2] if levels else None


class GameService:
    def __init__(
        self, db: Database, registry: GameRegistry, engine: GameEngine, accounts: AccountService, blocks: BlockService
    ) -> None:
        self._db = db
        self._blocks = blocks
        self._registry = registry
        self._engine = engine
        self._accounts = accounts
        self._repo = GamesRepository()

    # -- the catalogue ------------------------------------------------------------------------

    def games(self) -> GameList:
        return GameList(
            games=[
                GameType(
                    name=p.name,
                    title=p.title,
                    min_players=p.min_players,
                    max_players=p.max_players,
                    tick_rate=p.tick_rate,
                    bot_levels=list(p.bot_levels),
                    default_bot_level=default_bot_level(p.bot_levels),
                    options_schema=p.options_model.model_json_schema(),
                )
                for p in self._registry
            ]
        )

    def plugin(self, game: str) -> GamePlugin[Any]:
        return plugin_named(self._registry, game)

    # -- rooms --------------------------------------------------------------------------------

    async def create_room(
        self, actor: Actor, body: GameRoomCreate, *, matchmaking: bool = False, rematch_of: uuid.UUID | None = None
    ) -> GameRoomRead:
        plugin = self.plugin(body.game)
        try:
            options: BaseModel = plugin.options_model.model_validate(body.options)
        except ValidationError as exc:
            fields = {f"options.{k}": v for k, v in validation_fields(list(exc.errors())).items()}
            raise ValidationFailed(
                "These options are not valid for this game.", code=ErrorCode.BAD_OPTIONS, fields=fields
            ) from exc
        level = None
        if body.vs_bot:
            if not plugin.bot_levels:
                raise ValidationFailed("This game has no bots.", fields={"vs_bot": "this game has no bots"})
            level = body.bot_level or default_bot_level(plugin.bot_levels)
            if level not in plugin.bot_levels:
                raise ValidationFailed(fields={"bot_level": f"must be one of {', '.join(plugin.bot_levels)}"})
        if plugin.max_players < 2 and body.vs_bot:
            raise ValidationFailed(fields={"vs_bot": "this game is played alone"})
        now = utcnow()
        rating = None
        if matchmaking:
            async with self._db.reader() as db:
                rating = await self._repo.rating_of(db, plugin.name, actor.id) or START
        room = GameRoom(
            id=uuid.uuid4(),
            game=plugin.name,
            status="waiting",
            options=options.model_dump(mode="json"),
            state=plugin.encode(plugin.init(options)),
            version=0,
            creator_id=actor.id,
            is_public=body.public and not body.vs_bot and not matchmaking,
            matchmaking=matchmaking,
            rating=rating,
            rematch_of=rematch_of,
            created_at=now,
            updated_at=now,
        )
        async with self._db.writer() as db:
            db.add(room)
        await self._engine.join(room.id, player_of(actor), actor.id)
        if level is not None:
            await self._engine.join(room.id, bot_player(level), None, level)
        return await self.get_room(actor, room.id)

    async def _load(self, room_id: uuid.UUID) -> tuple[GameRoom, list[GameSeat]]:
        async with self._db.reader(fresh=True) as db:
            room = await self._repo.room(db, room_id)
            if room is None:
                raise NotFound("No such game room.", code=ErrorCode.GAME_ROOM_NOT_FOUND)
            return room, await self._repo.seats(db, room_id)

    def _read(self, room: GameRoom, seats: list[GameSeat], viewer: uuid.UUID | None) -> GameRoomRead:
        plugin = self.plugin(room.game)
        mine = next((s for s in seats if viewer is not None and s.user_id == viewer and s.left_at is None), None)
        me = Player(mine.player_id, mine.name) if mine is not None else None
        return GameRoomRead(
            id=room.id,
            game=room.game,
            title=plugin.title,
            status=room.status,
            version=room.version,
            options=room.options,
            players=players_read(seats),
            state=plugin.view(plugin.decode(room.state), me),
            outcome=outcome_read(room),
            creator_id=room.creator_id,
            opponent_id=room.opponent_id,
            winner_id=room.winner_id,
            my_player_id=me.id if me is not None else None,
            is_public=room.is_public,
            matchmaking=room.matchmaking,
            rematch_of=room.rematch_of,
            topic=ev.game_topic(room.id),
            tick_rate=plugin.tick_rate,
            created_at=room.created_at,
            started_at=room.started_at,
            finished_at=room.finished_at,
        )

    async def your_turn(self, db: AsyncSession, user_id: uuid.UUID, limit: int = 10) -> list[GameRoomRead]:
        """For Home, in the caller's session: turn-based games waiting for this player's move (the room's
        saved state says whose turn it is, as the plugin's view names it)."""
        rooms = await self._repo.active_rooms_of(db, user_id, 50)
        out = []
        for room in rooms:
            plugin = self.plugin(room.game)
            if plugin.tick_rate != 0:
                continue
            if plugin.view(plugin.decode(room.state), None).get("turn") == str(user_id):
                out.append(self._read(room, await self._repo.seats(db, room.id), user_id))
                if len(out) >= limit:
                    break
        return out

    async def has_played(self, db: AsyncSession, user_id: uuid.UUID) -> bool:
        """Has the user ever taken a seat in a game (for Home's first-run checklist)?"""
        return await self._repo.has_played(db, user_id)

    async def get_room(self, actor: Actor, room_id: uuid.UUID) -> GameRoomRead:
        room, seats = await self._load(room_id)
        return self._read(room, seats, actor.id)

    async def spectate(self, actor: Actor, room_id: uuid.UUID) -> GameRoomRead:
        """The room as a spectator sees it; subscribe to `topic` to follow it live."""
        room, seats = await self._load(room_id)
        self._engine.wake(room_id)
        return self._read(room, seats, None)

    async def room_exists(self, room_id: uuid.UUID) -> bool:
        async with self._db.reader() as db:
            return await self._repo.room(db, room_id) is not None

    async def open_rooms(self, game: str | None, cursor: str | None, limit: int) -> RoomPage:
        if game is not None:
            self.plugin(game)
        async with self._db.reader() as db:
            rooms = await self._repo.open_rooms(db, game, page_key(cursor), limit + 1)
            seats = await self._repo.seats_of_rooms(db, [r.id for r in rooms[:limit]])
        page = [
            GameRoomSummary(
                id=r.id,
                game=r.game,
                title=plugin.title,
                status=r.status,
                players=players_read(seats[r.id]),
                max_players=plugin.max_players,
                created_at=r.created_at,
            )
            for r in rooms[:limit]
            if (plugin := self._registry.get(r.game)) is not None
        ]
        last = rooms[limit - 1] if len(rooms) > limit else None
        next_cursor = encode_cursor({"t": last.created_at.isoformat(), "id": str(last.id)}) if last else None
        return RoomPage(rooms=page, next_cursor=next_cursor)

    # -- play ---------------------------------------------------------------------------------

    async def join(self, actor: Actor, room_id: uuid.UUID) -> GameRoomRead:
        await self._engine.join(room_id, player_of(actor), actor.id)
        return await self.get_room(actor, room_id)

    async def leave(self, actor: Actor, room_id: uuid.UUID) -> None:
        await self._engine.leave(room_id, player_of(actor), actor.id)

    async def move(
        self, actor: Actor, room_id: uuid.UUID, move: dict[str, Any], version: int | None = None
    ) -> GameRoomRead:
        await self.move_by_user(actor.id, room_id, move, version)
        return await self.get_room(actor, room_id)

    @tracing.traced("games.move")
    async def move_by_user(self, user_id: uuid.UUID, room_id: uuid.UUID, move: Any, version: int | None = None) -> int:
        """Play a move (from HTTP or the socket); returns the room's version after it. With `version`
        (the room's version the player saw), a retry of an applied move returns the room's version
        instead of being refused, and a move chosen on an outdated view is refused STALE_VERSION."""
        if not isinstance(move, dict):
            raise refuse(ErrorCode.INVALID_MOVE, "`move` must be an object.")
        # A game may ignore keys it does not know, but every accepted move is stored and sent to
        # every watcher: a bounded size keeps that from being abused.
        try:
            encoded = orjson.dumps(move)
        except TypeError as exc:  # e.g. an integer beyond 64 bits, which no game uses and JSON columns refuse
            raise refuse(ErrorCode.INVALID_MOVE, "`move` holds a value that cannot be stored.") from exc
        if len(encoded) > MAX_MOVE_BYTES:
            raise refuse(ErrorCode.INVALID_MOVE, f"A move is at most {MAX_MOVE_BYTES} bytes of JSON.")
        # The engine plays the move as the seat's player; a user's player id is their user id.
        done = await self._engine.move(room_id, Player(str(user_id), ""), user_id, move, version)
        return done.version

    async def play_now(self, actor: Actor, game: str) -> GameRoomRead:
        """Join the waiting "play now" room of the closest rating, or open one (a bot comes after a while)."""
        plugin = self.plugin(game)
        async with self._db.reader(fresh=True) as db:
            mine = await self._repo.my_waiting_match(db, plugin.name, actor.id)
            rating = await self._repo.rating_of(db, plugin.name, actor.id) or START
            candidates = await self._repo.waiting_matches(db, plugin.name, actor.id)
            # Two people of whom one blocked the other are never paired.
            apart = await self._blocks.apart_from_any(db, actor.id, {r.creator_id for r in candidates if r.creator_id})
            candidates = [r for r in candidates if r.creator_id not in apart]
        if mine is not None:
            return await self.get_room(actor, mine.id)
        now = utcnow()

        def distance(room: GameRoom) -> float:
            return match_distance(room.rating or START, rating, (now - room.created_at).total_seconds())

        for room in sorted(candidates, key=distance):
            if distance(room) == float("inf"):
                break
            try:
                await self._engine.join(room.id, player_of(actor), actor.id)
            except GameRefused as exc:
                if exc.code in (ErrorCode.ROOM_FULL, ErrorCode.GAME_OVER, ErrorCode.ALREADY_IN_ROOM):
                    continue
                raise
            return await self.get_room(actor, room.id)
        return await self.create_room(actor, GameRoomCreate(game=plugin.name, public=False), matchmaking=True)

    async def rematch(self, actor: Actor, room_id: uuid.UUID) -> GameRoomRead:
        """A new room of the same game and options for the same players: the first to ask opens it,
        the others join it by asking too (or from the invitation)."""
        room, seats = await self._load(room_id)
        if not any(s.user_id == actor.id for s in seats):
            raise refuse(ErrorCode.NOT_IN_ROOM, "Only the players of this game can ask for a rematch.")
        if room.status not in ("finished", "abandoned"):
            raise Conflict("The game is still being played.", code=ErrorCode.GAME_NOT_FINISHED)
        async with self._db.reader(fresh=True) as db:
            existing = await self._repo.rematch_room(db, room_id)
        if existing is not None:
            try:
                return await self.join(actor, existing)
            except GameRefused as exc:
                if exc.code != ErrorCode.ALREADY_IN_ROOM:
                    raise
                return await self.get_room(actor, existing)
        bot = next((s for s in seats if s.bot_level is not None), None)
        body = GameRoomCreate(
            game=room.game,
            options=room.options,
            vs_bot=bot is not None,
            bot_level=bot.bot_level if bot is not None else None,
            public=False,
        )
        new = await self.create_room(actor, body, rematch_of=room_id)
        async with self._db.writer() as db:
            await db.emit(ev.game_topic(room_id), ev.REMATCH, ev.Rematch(room_id=new.id, from_=player_of(actor).id))
            for seat in seats:
                if seat.user_id is not None and seat.user_id != actor.id:
                    if await self._blocks.apart(db, actor.id, seat.user_id):
                        continue
                    await self._emit_invite(db, actor, new.id, room.game, seat.user_id)
        return new

    async def invite(self, actor: Actor, room_id: uuid.UUID, user_id: uuid.UUID) -> None:
        room, seats = await self._load(room_id)
        if not any(s.user_id == actor.id and s.left_at is None for s in seats):
            raise refuse(ErrorCode.NOT_IN_ROOM, "Only a player of this room can invite.")
        if room.status != "waiting":
            raise Conflict("The game has already started.", code=ErrorCode.GAME_STARTED)
        if user_id == actor.id:
            raise ValidationFailed(fields={"user_id": "is you"})
        async with self._db.writer() as db:
            if not await self._accounts.public_users(db, [user_id]):
                raise NotFound("No such user.", code=ErrorCode.USER_NOT_FOUND)
            await self._blocks.refuse_between(db, actor.id, user_id)
            await self._emit_invite(db, actor, room_id, room.game, user_id)

    async def _emit_invite(
        self, db: UnitOfWork, actor: Actor, room_id: uuid.UUID, game: str, user_id: uuid.UUID
    ) -> None:
        # A persistent event on the invitee's own topic; the notifications domain will keep it later.
        plugin = self.plugin(game)
        who = player_of(actor)
        invite = ev.Invite(room_id=room_id, game=game, title=plugin.title, from_=ev.Inviter(id=who.id, name=who.name))
        await db.emit(f"user:{user_id}", ev.INVITE, invite)
