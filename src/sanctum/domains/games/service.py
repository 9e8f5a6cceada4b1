"""Games: the catalogue, rooms, play, matchmaking, invitations, ratings, history and replays.

Authorization lives here: only a seated player moves or leaves, only a player of a finished game
asks for a rematch or invites, anyone signed in may watch. Commands that change a room go through
the engine (`engine/`), which serializes them per room and commits them with the version check.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from sanctum.api.errors import validation_fields
from sanctum.core.clock import as_utc, utcnow
from sanctum.core.errors import Conflict, NotFound, ValidationFailed
from sanctum.core.pagination import decode_cursor, encode_cursor
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.games import events as ev
from sanctum.domains.games.engine.engine import GameEngine
from sanctum.domains.games.engine.errors import GameRefused, refuse
from sanctum.domains.games.engine.rules import DELETED_USER, bot_player
from sanctum.domains.games.engine.sdk import ErrorCode, GameError, GamePlugin, Player
from sanctum.domains.games.models import GameRoom, GameSeat
from sanctum.domains.games.ratings import START
from sanctum.domains.games.registry import GameRegistry
from sanctum.domains.games.repository import GamesRepository
from sanctum.domains.games.schemas import (
    GameList,
    GameRoomCreate,
    GameRoomRead,
    GameRoomSummary,
    GameType,
    HistoryEntry,
    HistoryPage,
    Leaderboard,
    Outcome,
    PlayerRead,
    RatingRead,
    Replay,
    ReplayStep,
    RoomPage,
)

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


def _players(seats: list[GameSeat]) -> list[PlayerRead]:
    return [
        PlayerRead(
            seat=s.seat,
            player_id=s.player_id,
            user_id=s.user_id,
            name=s.name if s.user_id is not None or s.bot_level is not None else DELETED_USER,
            is_bot=s.bot_level is not None,
            bot_level=s.bot_level,
            left=s.left_at is not None,
            away_until=s.away_until,
        )
        for s in seats
    ]


def _outcome(room: GameRoom) -> Outcome | None:
    if room.status != "finished":
        return None
    return Outcome(winners=list(room.winners or []), reason=room.result_reason or "")


def _page_key(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if cursor is None:
        return None
    raw = decode_cursor(cursor)
    try:
        return as_utc(datetime.fromisoformat(str(raw["t"]))), uuid.UUID(str(raw["id"]))
    except (KeyError, ValueError) as exc:
        raise ValidationFailed(fields={"cursor": "is not a valid cursor"}) from exc


class GameService:
    def __init__(self, db: Database, registry: GameRegistry, engine: GameEngine, accounts: AccountService) -> None:
        self._db = db
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
                    options_schema=p.options_model.model_json_schema(),
                )
                for p in self._registry
            ]
        )

    def plugin(self, game: str) -> GamePlugin[Any]:
        plugin = self._registry.get(game)
        if plugin is None:
            raise NotFound("No such game.", code="GAME_NOT_FOUND")
        return plugin

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
            level = body.bot_level or plugin.bot_levels[len(plugin.bot_levels) // 2]
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
                raise NotFound("No such game room.", code="GAME_ROOM_NOT_FOUND")
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
            players=_players(seats),
            state=plugin.view(plugin.decode(room.state), me),
            outcome=_outcome(room),
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
            rooms = await self._repo.open_rooms(db, game, _page_key(cursor), limit + 1)
            seats = await self._repo.seats_of_rooms(db, [r.id for r in rooms[:limit]])
        page = [
            GameRoomSummary(
                id=r.id,
                game=r.game,
                title=plugin.title,
                status=r.status,
                players=_players(seats[r.id]),
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

    async def move(self, actor: Actor, room_id: uuid.UUID, move: dict[str, Any]) -> GameRoomRead:
        await self.move_by_user(actor.id, room_id, move)
        return await self.get_room(actor, room_id)

    async def move_by_user(self, user_id: uuid.UUID, room_id: uuid.UUID, move: Any) -> int:
        """Play a move (from HTTP or the socket); returns the room's version after it."""
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
        done = await self._engine.move(room_id, Player(str(user_id), ""), user_id, move)
        return done.version

    async def play_now(self, actor: Actor, game: str) -> GameRoomRead:
        """Join the waiting "play now" room of the closest rating, or open one (a bot comes after a while)."""
        plugin = self.plugin(game)
        async with self._db.reader(fresh=True) as db:
            mine = await self._repo.my_waiting_match(db, plugin.name, actor.id)
            rating = await self._repo.rating_of(db, plugin.name, actor.id) or START
            candidates = await self._repo.waiting_matches(db, plugin.name, actor.id)
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
            raise Conflict("The game is still being played.", code="GAME_NOT_FINISHED")
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
            await db.emit(ev.game_topic(room_id), ev.REMATCH, {"room_id": str(new.id), "from": player_of(actor).id})
            for seat in seats:
                if seat.user_id is not None and seat.user_id != actor.id:
                    await self._emit_invite(db, actor, new.id, room.game, seat.user_id)
        return new

    async def invite(self, actor: Actor, room_id: uuid.UUID, user_id: uuid.UUID) -> None:
        room, seats = await self._load(room_id)
        if not any(s.user_id == actor.id and s.left_at is None for s in seats):
            raise refuse(ErrorCode.NOT_IN_ROOM, "Only a player of this room can invite.")
        if room.status != "waiting":
            raise Conflict("The game has already started.", code="GAME_STARTED")
        if user_id == actor.id:
            raise ValidationFailed(fields={"user_id": "is you"})
        async with self._db.writer() as db:
            if not await self._accounts.public_users(db, [user_id]):
                raise NotFound("No such user.", code="USER_NOT_FOUND")
            await self._emit_invite(db, actor, room_id, room.game, user_id)

    async def _emit_invite(
        self, db: UnitOfWork, actor: Actor, room_id: uuid.UUID, game: str, user_id: uuid.UUID
    ) -> None:
        # A persistent event on the invitee's own topic; the notifications domain will keep it later.
        plugin = self.plugin(game)
        who = player_of(actor)
        data = {"room_id": str(room_id), "game": game, "title": plugin.title, "from": {"id": who.id, "name": who.name}}
        await db.emit(f"user:{user_id}", ev.INVITE, data)

    # -- ratings, history, replay -------------------------------------------------------------

    async def leaderboard(self, game: str, limit: int) -> Leaderboard:
        plugin = self.plugin(game)
        async with self._db.reader() as db:
            rows = await self._repo.leaderboard(db, plugin.name, limit)
            people = await self._accounts.public_users(db, [r.user_id for r in rows])
        entries = [
            RatingRead(
                rank=i + 1,
                user=people[r.user_id],
                rating=r.rating,
                games=r.games,
                wins=r.wins,
                losses=r.losses,
                draws=r.draws,
            )
            for i, r in enumerate(r for r in rows if r.user_id in people)
        ]
        return Leaderboard(game=plugin.name, entries=entries)

    async def history(self, user_id: uuid.UUID, cursor: str | None, limit: int) -> HistoryPage:
        async with self._db.reader() as db:
            rooms = await self._repo.history(db, user_id, _page_key(cursor), limit + 1)
            seats = await self._repo.seats_of_rooms(db, [r.id for r in rooms[:limit]])
        entries = [
            HistoryEntry(
                id=r.id,
                game=r.game,
                title=plugin.title if (plugin := self._registry.get(r.game)) else r.game,
                players=_players(seats[r.id]),
                outcome=_outcome(r),
                winner_id=r.winner_id,
                finished_at=r.finished_at,
            )
            for r in rooms[:limit]
        ]
        last = rooms[limit - 1] if len(rooms) > limit else None
        next_cursor = None
        if last is not None and last.finished_at is not None:
            next_cursor = encode_cursor({"t": last.finished_at.isoformat(), "id": str(last.id)})
        return HistoryPage(games=entries, next_cursor=next_cursor)

    async def replay(self, room_id: uuid.UUID) -> Replay:
        """A finished game step by step, rebuilt from its moves with the plugin's own rules."""
        room, seats = await self._load(room_id)
        plugin = self.plugin(room.game)
        if room.status != "finished":
            raise Conflict("Only a finished game can be replayed.", code="GAME_NOT_FINISHED")
        if plugin.tick_rate > 0:
            raise Conflict("Real-time games keep snapshots, not moves, and cannot be replayed.", code="NOT_REPLAYABLE")
        async with self._db.reader() as db:
            moves = await self._repo.moves(db, room_id)
        names = {s.player_id: s.name for s in seats}
        state = plugin.init(plugin.options_model.model_validate(room.options))
        initial = plugin.view(state, None)
        steps: list[ReplayStep] = []
        complete = True
        expected = 1
        for row in moves:
            if row.version != expected:
                complete = False
            expected = row.version + 1
            player = Player(row.player_id, names.get(row.player_id, DELETED_USER), row.player_id.startswith("bot:"))
            if row.kind == "join":
                state = plugin.on_join(state, player)
            elif row.kind == "leave":
                state = plugin.on_leave(state, player)
            else:
                result = plugin.handle(state, player, row.data)
                if isinstance(result, GameError):
                    complete = False
                    break
                state = result
            steps.append(
                ReplayStep(
                    version=row.version,
                    kind=row.kind,
                    player_id=row.player_id,
                    move=row.data,
                    state=plugin.view(state, None),
                )
            )
        return Replay(
            room_id=room.id,
            game=room.game,
            options=room.options,
            players=_players(seats),
            outcome=_outcome(room),
            initial=initial,
            steps=steps,
            complete=complete and expected - 1 == room.version,
        )
