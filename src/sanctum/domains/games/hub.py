"""The games hub: topic `game:{room id}` for players and spectators.

Anyone signed in may watch a room that exists (spectating is open, like a lobby). Subscribing wakes
the room's actor on this instance, so a real-time room whose instance died is taken over here.

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
from typing import Any

from sanctum.core.errors import AppError
from sanctum.core.events import dumps
from sanctum.domains.games import events as ev
from sanctum.domains.games.engine.engine import GameEngine
from sanctum.domains.games.service import GameService
from sanctum.observability.logging import get_logger
from sanctum.realtime.hub import Hub, Sender
from sanctum.realtime.protocol import ClientMessage, ErrorCode, ProtocolError, error_frame
from sanctum.realtime.publisher import Publisher

log = get_logger("sanctum.games")


class GamesHub(Hub):
    name = "games"
    prefixes = ("game:",)

    def __init__(self, service: GameService, engine: GameEngine) -> None:
        self._service = service
        self._engine = engine
        self.handlers = {"game.move": self._move}

    async def authorize(self, user_id: uuid.UUID, topic: str) -> bool:
        room_id = ev.room_id_of(topic)
        return room_id is not None and await self._service.room_exists(room_id)

    async def on_subscribe(self, publisher: Publisher, user_id: uuid.UUID, topic: str) -> list[dict[str, Any]]:
        room_id = ev.room_id_of(topic)
        if room_id is not None:
            self._engine.wake(room_id)
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

    async def _move(self, publisher: Publisher, sender: Sender, msg: ClientMessage) -> None:
        room_id = ev.room_id_of(msg.topic or "")
        if room_id is None:
            raise ProtocolError(ErrorCode.BAD_MESSAGE, "`topic` must be a game:{id} topic.")
        if "move" not in msg.raw:
            raise ProtocolError(ErrorCode.BAD_MESSAGE, "`move` is required.")
        try:
            version = await self._service.move_by_user(sender.user_id, room_id, msg.raw["move"])
        except AppError as exc:
            # A refused move is part of playing, not abuse: answered without a strike against the socket.
            publisher.send_to_connection(sender.connection_id, error_frame(exc.code, exc.message, msg.cid, exc.details))
            return
        ack: dict[str, Any] = {"type": "game.move.ok", "topic": msg.topic, "version": version}
        if msg.cid is not None:
            ack["cid"] = msg.cid
        publisher.send_to_connection(sender.connection_id, dumps(ack))
