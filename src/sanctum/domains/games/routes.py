"""HTTP routes of games: parse, authenticate, call the service, serialize."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path, Query, status

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor
from sanctum.domains.games.deps import GameRecordsDep, GameServiceDep
from sanctum.domains.games.schemas import (
    GameList,
    GameName,
    GameRoomCreate,
    GameRoomRead,
    HistoryPage,
    InviteCreate,
    Leaderboard,
    MoveCreate,
    PlayNow,
    Replay,
    RoomPage,
)

games = DomainRouter(prefix="/api/games", tags=["games"], responses=ERROR_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=512)]


@games.get("", response_model=GameList)
async def list_games(actor: CurrentActor, service: GameServiceDep) -> GameList:
    """The games this server offers, with their player counts, bot levels and options schema."""
    return service.games()


@games.post("/rooms", status_code=status.HTTP_201_CREATED, response_model=GameRoomRead)
async def create_game_room(body: GameRoomCreate, actor: CurrentActor, service: GameServiceDep) -> GameRoomRead:
    """Open a room and take its first seat; with `vs_bot` a bot takes the second and play starts."""
    return await service.create_room(actor, body)


@games.get("/rooms", response_model=RoomPage)
async def list_game_rooms(
    actor: CurrentActor,
    service: GameServiceDep,
    game: Annotated[GameName | None, Query()] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> RoomPage:
    """Open rooms waiting for players, newest first."""
    return await service.open_rooms(game, cursor, limit)


@games.get("/rooms/{room_id}", response_model=GameRoomRead)
async def get_game_room(room_id: uuid.UUID, actor: CurrentActor, service: GameServiceDep) -> GameRoomRead:
    """The room with the state as the caller may see it."""
    return await service.get_room(actor, room_id)


@games.post("/rooms/{room_id}/join", response_model=GameRoomRead)
async def join_game_room(room_id: uuid.UUID, actor: CurrentActor, service: GameServiceDep) -> GameRoomRead:
    return await service.join(actor, room_id)


@games.post("/rooms/{room_id}/leave", status_code=status.HTTP_204_NO_CONTENT)
async def leave_game_room(room_id: uuid.UUID, actor: CurrentActor, service: GameServiceDep) -> None:
    """Give up the seat: before the start it frees it; during the game it forfeits."""
    await service.leave(actor, room_id)


@games.post("/rooms/{room_id}/spectate", response_model=GameRoomRead)
async def spectate_game_room(room_id: uuid.UUID, actor: CurrentActor, service: GameServiceDep) -> GameRoomRead:
    """The room as a spectator sees it; subscribe to its `topic` to watch live."""
    return await service.spectate(actor, room_id)


@games.post("/rooms/{room_id}/moves", response_model=GameRoomRead)
async def play_move(room_id: uuid.UUID, body: MoveCreate, actor: CurrentActor, service: GameServiceDep) -> GameRoomRead:
    """Play a move (also possible over the socket as `game.move`)."""
    return await service.move(actor, room_id, body.move, body.version)


@games.post("/rooms/{room_id}/rematch", response_model=GameRoomRead)
async def rematch_game(room_id: uuid.UUID, actor: CurrentActor, service: GameServiceDep) -> GameRoomRead:
    """After a game: open a rematch room (the other players are invited) or join the one already opened."""
    return await service.rematch(actor, room_id)


@games.post("/rooms/{room_id}/invite", status_code=status.HTTP_204_NO_CONTENT)
async def invite_to_game(room_id: uuid.UUID, body: InviteCreate, actor: CurrentActor, service: GameServiceDep) -> None:
    """Invite someone to a waiting room: they get a `game.invite` event on their `user:{id}` topic."""
    await service.invite(actor, room_id, body.user_id)


@games.get("/rooms/{room_id}/replay", response_model=Replay)
async def replay_game(room_id: uuid.UUID, actor: CurrentActor, records: GameRecordsDep) -> Replay:
    """A finished game step by step, rebuilt from its moves."""
    return await records.replay(room_id)


@games.post("/play-now", response_model=GameRoomRead)
async def play_now(body: PlayNow, actor: CurrentActor, service: GameServiceDep) -> GameRoomRead:
    """Pair with a waiting player of similar rating, or wait for one (a bot steps in after a while)."""
    return await service.play_now(actor, body.game)


@games.get("/users/{user_id}/history", response_model=HistoryPage)
async def list_game_history(
    user_id: uuid.UUID, actor: CurrentActor, records: GameRecordsDep, cursor: Cursor = None, limit: Limit = 20
) -> HistoryPage:
    """A user's finished games, most recent first."""
    return await records.history(user_id, cursor, limit)


@games.get("/{game}/leaderboard", response_model=Leaderboard)
async def get_leaderboard(
    game: Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")],
    actor: CurrentActor,
    records: GameRecordsDep,
    limit: Limit = 50,
) -> Leaderboard:
    """The best Elo ratings in one game."""
    return await records.leaderboard(game, limit)
