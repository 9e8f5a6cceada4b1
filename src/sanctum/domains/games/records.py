"""Games on record: the leaderboard, a player's history and the replay of a finished game.

Read-only: ratings change with the game that finishes them (engine/actor.py), history and replays are
rebuilt from the rooms, seats and moves the engine stored. Also the serializers the room reads share.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sanctum.core.errors import Conflict, ErrorCode, NotFound
from sanctum.core.pagination import TimeCursor, decode_cursor, encode_cursor
from sanctum.db.database import Database
from sanctum.domains.accounts.service import AccountService
from sanctum.domains.games.engine.rules import DELETED_USER
from sanctum.domains.games.engine.sdk import GameError, GamePlugin, Player
from sanctum.domains.games.models import GameRoom, GameSeat
from sanctum.domains.games.registry import GameRegistry
from sanctum.domains.games.repository import GamesRepository
from sanctum.domains.games.schemas import (
    HistoryEntry,
    HistoryPage,
    Leaderboard,
    Outcome,
    PlayerRead,
    RatingRead,
    Replay,
    ReplayStep,
)


def plugin_named(registry: GameRegistry, game: str) -> GamePlugin[Any]:
    plugin = registry.get(game)
    if plugin is None:
        raise NotFound("No such game.", code=ErrorCode.GAME_NOT_FOUND)
    return plugin


def players_read(seats: list[GameSeat]) -> list[PlayerRead]:
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


def outcome_read(room: GameRoom) -> Outcome | None:
    if room.status != "finished":
        return None
    return Outcome(winners=list(room.winners or []), reason=room.result_reason or "")


def page_key(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if cursor is None:
        return None
    found = decode_cursor(cursor, TimeCursor)
    return found.t, found.id


class GameRecords:
    def __init__(self, db: Database, registry: GameRegistry, accounts: AccountService) -> None:
        self._db = db
        self._registry = registry
        self._accounts = accounts
        self._repo = GamesRepository()

    async def leaderboard(self, game: str, limit: int) -> Leaderboard:
        plugin = plugin_named(self._registry, game)
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
            rooms = await self._repo.history(db, user_id, page_key(cursor), limit + 1)
            seats = await self._repo.seats_of_rooms(db, [r.id for r in rooms[:limit]])
        entries = [
            HistoryEntry(
                id=r.id,
                game=r.game,
                title=plugin.title if (plugin := self._registry.get(r.game)) else r.game,
                players=players_read(seats[r.id]),
                outcome=outcome_read(r),
                winner_id=r.winner_id,
                finished_at=r.finished_at,
            )
            for r in rooms[:limit]
        ]
        last = rooms[limit - 1] if len(rooms) > limit else None
        next_cursor = None
        if last is not None and last.finished_at is not None:
            next_cursor = encode_cursor(TimeCursor(t=last.finished_at, id=last.id))
        return HistoryPage(games=entries, next_cursor=next_cursor)

    async def replay(self, room_id: uuid.UUID) -> Replay:
        """A finished game step by step, rebuilt from its moves with the plugin's own rules."""
        async with self._db.reader(fresh=True) as db:
            room = await self._repo.room(db, room_id)
            if room is None:
                raise NotFound("No such game room.", code=ErrorCode.GAME_ROOM_NOT_FOUND)
            plugin = plugin_named(self._registry, room.game)
            if room.status != "finished":
                raise Conflict("Only a finished game can be replayed.", code=ErrorCode.GAME_NOT_FINISHED)
            if plugin.tick_rate > 0:
                raise Conflict(
                    "Real-time games keep snapshots, not moves, and cannot be replayed.", code=ErrorCode.NOT_REPLAYABLE
                )
            seats = await self._repo.seats(db, room_id)
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
            players=players_read(seats),
            outcome=outcome_read(room),
            initial=initial,
            steps=steps,
            complete=complete and expected - 1 == room.version,
        )
