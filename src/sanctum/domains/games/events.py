"""Realtime events of the games domain, on topic `game:{room id}` (players and spectators).

Persistent (logged with a seq, replayed on resume), each carrying the room's `version` and the
spectator view of the state after the change:
- `game.joined` {player}, `game.left` {player}, `game.moved` {player, move},
- `game.ended` {outcome: {winners, reason}},
- `game.player_away` {player, deadline}: "waiting for Alice to reconnect" until `deadline`,
- `game.player_back` {player},
- `game.rematch` {room_id}: a new room for the same players.
Ephemeral: `game.frame` {state, tick} from a real-time room's loop at its tick rate.
On the invitee's `user:{id}` topic (persistent): `game.invite` {room_id, game, from}.
"""

from __future__ import annotations

import uuid

from sanctum.realtime.hub import topic_uuid

JOINED = "game.joined"
LEFT = "game.left"
MOVED = "game.moved"
ENDED = "game.ended"
PLAYER_AWAY = "game.player_away"
PLAYER_BACK = "game.player_back"
REMATCH = "game.rematch"
FRAME = "game.frame"
INVITE = "game.invite"


def game_topic(room_id: uuid.UUID) -> str:
    return f"game:{room_id}"


def room_id_of(topic: str) -> uuid.UUID | None:
    """The room of `game:{id}`, only in the canonical spelling events are published under."""
    return topic_uuid(topic, "game:")
