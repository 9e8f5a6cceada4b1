"""Realtime events of the games domain, on topic `game:{room id}` (players and spectators).

Persistent ones (logged with a seq, replayed on resume) carry the room's `version` and the spectator
view of the state after the change. `game.frame` (a keyframe) and `game.delta` (what changed) are
ephemeral: a real-time room's frames at its tick rate (engine/frames.py). On the invitee's
`user:{id}` topic (persistent): `game.invite`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from sanctum.core.events import EventData, EventKind
from sanctum.realtime.hub import topic_uuid

GAME = "game:{id}"


class SeatWire(EventData):
    seat: int
    player_id: str
    user_id: uuid.UUID | None
    name: str
    is_bot: bool
    bot_level: str | None
    left: bool


class OutcomeWire(EventData):
    winners: list[str] = Field(description="Player ids; none is a draw.")
    reason: str


class GameChange(EventData):
    room_id: uuid.UUID
    version: int
    status: str
    players: list[SeatWire]
    state: Any = Field(description="The spectator view of the state (the plugin's `view`).")
    outcome: OutcomeWire | None


class PlayerChange(GameChange):
    player: str = Field(description="The player id the change is about.")


class Moved(PlayerChange):
    move: dict[str, Any]


class PlayerAway(EventData):
    room_id: uuid.UUID
    player: str
    name: str
    deadline: datetime
    seconds: float = Field(description="The reconnect window the deadline gives.")


class PlayerBack(EventData):
    room_id: uuid.UUID
    player: str
    name: str


class Rematch(EventData):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    room_id: uuid.UUID
    from_: str = Field(alias="from", description="Who asked for the rematch (a player id).")


class Frame(EventData):
    room_id: uuid.UUID
    tick: int
    state: Any = Field(description="The whole spectator view at this tick (a keyframe).")


class FrameDelta(EventData):
    room_id: uuid.UUID
    tick: int
    base: int = Field(description="The tick whose view these changes apply to; skip the delta unless it is yours.")
    changes: list[list[Any]] = Field(
        description=(
            "`[path, value]` sets the member or element at `path` (object keys and array indices; `[]` is"
            " the whole view), `[path]` removes that member; applied in order."
        )
    )


class Inviter(EventData):
    id: str
    name: str


class Invite(EventData):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    room_id: uuid.UUID
    game: str
    title: str
    from_: Inviter = Field(alias="from")


JOINED: EventKind[PlayerChange] = EventKind("game.joined", PlayerChange, GAME, "A player took a seat.")
LEFT: EventKind[PlayerChange] = EventKind("game.left", PlayerChange, GAME, "A player left (or forfeited).")
MOVED: EventKind[Moved] = EventKind("game.moved", Moved, GAME, "A move was accepted.")
ENDED: EventKind[GameChange] = EventKind("game.ended", GameChange, GAME, "The game ended: see `outcome`.")
PLAYER_AWAY: EventKind[PlayerAway] = EventKind(
    "game.player_away", PlayerAway, GAME, "A player's last socket closed: waiting for them until `deadline`."
)
PLAYER_BACK: EventKind[PlayerBack] = EventKind("game.player_back", PlayerBack, GAME, "The player is back in time.")
REMATCH: EventKind[Rematch] = EventKind("game.rematch", Rematch, GAME, "A new room for the same players.")
FRAME: EventKind[Frame] = EventKind(
    "game.frame",
    Frame,
    GAME,
    "A real-time room's whole view at one tick (a keyframe): first after a subscribe or resume, then every"
    " `keyframe_interval_ticks`.",
    persistent=False,
)
FRAME_DELTA: EventKind[FrameDelta] = EventKind(
    "game.delta",
    FrameDelta,
    GAME,
    "What changed in a real-time room's view since tick `base` (the other ticks' frames).",
    persistent=False,
)
INVITE: EventKind[Invite] = EventKind("game.invite", Invite, "user:{id}", "Someone invited the user to a game room.")
EVENTS = (JOINED, LEFT, MOVED, ENDED, PLAYER_AWAY, PLAYER_BACK, REMATCH, FRAME, FRAME_DELTA, INVITE)


def game_topic(room_id: uuid.UUID) -> str:
    return f"game:{room_id}"


def room_id_of(topic: str) -> uuid.UUID | None:
    """The room of `game:{id}`, only in the canonical spelling events are published under."""
    return topic_uuid(topic, "game:")
