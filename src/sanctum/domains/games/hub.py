"""The games hub: topic `game:{room id}` for players and spectators.

Anyone signed in may watch a room that exists (spectating is open, like a lobby). Subscribing wakes
the room's actor on this instance, so a real-time room whose instance died is taken over here, and
asks the instance ticking a real-time room for a keyframe: the gateway gives the socket none of the
room's `game.delta` frames before a `game.frame` (`keyframes`), on a subscribe and on a resume alike.

Client messages:
- `game.move` `{topic, move}`: play a move; answered with `game.move.ok` `{cid, topic, version}` or an
  error envelope carrying the game's code (NOT_YOUR_TURN, INVALID_MOVE, ...). The accepted move
  itself reaches every subscriber as the persistent `game.moved` event.

A user whose last socket closes gets `reconnect_window_seconds` to come back to each game they are
playing; their opponents see `game.player_away` with the deadline, then `game.player_back` or the
forfeit (`game.left`, `game.ended`).
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

from sanctum.core.errors import AppError, ErrorCode
from sanctum.domains.games import events as ev
from sanctum.domains.games.engine.engine import GameEngine
from sanctum.domains.games.schemas import MOVE_VERSION
from sanctum.domains.games.service import GameService
from sanctum.observability.logging import get_logger
from sanctum.realtime.hub import Command, Hub, Sender
from sanctum.realtime.protocol import ProtocolError, TopicCommand, error_frame
from sanctum.realtime.publisher import Publisher

log = get_logger("sanctum.games")


class GameMove(TopicCommand):
    """Play a move in a game room (real-time rooms: an input for the next tick)."""

    type: Literal["game.move"]
    move: Any = Field(description="The move, as the game defines it (a JSON object).")
    version: int | None = Field(None, ge=0, le=2**31, description=MOVE_VERSION)


class GameMoveOk(BaseModel):
    """The answer to an accepted `game.move`: the room's version after it."""

    type: Literal["game.move.ok"]
    topic: str
    version: int
    cid: str | None = None


class GamesHub(Hub):
    name = "games"
    prefixes = ("game:",)
    events = ev.EVENTS
    replies = (GameMoveOk,)
    keyframes = {ev.FRAME_DELTA.name: ev.FRAME.name}

    def __init__(self, service: GameService, engine: GameEngine) -> None:
        self._service = service
        self._engine = engine
        self.handlers = {"game.move": Command(GameMove, self._move, limit="game_move")}

    async def authorize(self, user_id: uuid.UUID, topic: str) -> bool:
        room_id = ev.room_id_of(topic)
        return room_id is not None and await self._service.room_exists(room_id)

    async def on_subscribe(self, publisher: Publisher, user_id: uuid.UUID, topic: str) -> list[dict[str, Any]]:
        room_id = ev.room_id_of(topic)
        if room_id is not None:
            self._engine.wake(room_id)
            await self._engine.want_keyframe(room_id)
        return []

    async def on_connect(self, publisher: Publisher, user_id: uuid.UUID, first: bool) -> None:
        if first:
            try:
                await self._engine.player_back(user_id)
            except Exception:
                # Keep the socket open; but with the away mark still set the sweep may forfeit a
                # player who is back, so say so loudly.
                log.exception("game_player_back_failed", user_id=str(user_id))

    async def on_disconnect(self, publisher: Publisher, user_id: uuid.UUID, last: bool) -> None:
        if last:
            await self._engine.player_away(user_id)

    async def _move(self, publisher: Publisher, sender: Sender, command: GameMove) -> None:
        room_id = ev.room_id_of(command.topic)
        if room_id is None:
            raise ProtocolError(ErrorCode.BAD_MESSAGE, "`topic` must be a game:{id} topic.")
        try:
            version = await self._service.move_by_user(sender.user_id, room_id, command.move, command.version)
        except AppError as exc:
            # A refused move is part of playing, not abuse: answered without a strike against the socket.
            frame = error_frame(exc.code, exc.message, sender.cid, exc.details)
            publisher.send_to_connection(sender.connection_id, frame)
            return
        ack = GameMoveOk(type="game.move.ok", topic=command.topic, version=version, cid=sender.cid)
        publisher.send_to_connection(sender.connection_id, ack.model_dump_json(exclude_none=True))
