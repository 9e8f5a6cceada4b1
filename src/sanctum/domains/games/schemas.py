"""Wire models of the games domain: the API contract."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sanctum.domains.accounts.schemas import PublicUser

GameName = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
RoomStatus = Literal["waiting", "active", "finished", "abandoned"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GameType(BaseModel):
    name: str
    title: str
    min_players: int
    max_players: int
    tick_rate: int = Field(description="Ticks per second of a real-time game; 0 for turn-based.")
    bot_levels: list[str]
    default_bot_level: str | None = Field(
        description="The level a bot plays at when none is asked for (also the one that fills a play-now room)."
    )
    options_schema: dict[str, Any] = Field(description="JSON Schema of the options `POST /rooms` accepts.")


class GameList(BaseModel):
    games: list[GameType]


def _no_nul(value: Any) -> Any:
    # PostgreSQL cannot store NUL in text, not even inside JSON: refuse it as input, not as a 500.
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)
    elif isinstance(value, list):
        for item in value:
            _no_nul(item)
    return value


class GameRoomCreate(Strict):
    game: GameName
    options: dict[str, Any] = Field(default_factory=dict, description="Validated by the game's options model.")
    vs_bot: bool = False
    bot_level: str | None = Field(
        None, max_length=16, description="One of the game's bot levels; its middle one if left out."
    )
    public: bool = Field(True, description="Listed among the open rooms.")

    @field_validator("options", mode="before")
    @classmethod
    def _clean_options(cls, value: Any) -> Any:
        return _no_nul(value)


class PlayNow(Strict):
    game: GameName


MOVE_VERSION = (
    "The room's version this move was played at (turn-based games). Makes a retried move safe: if it "
    "was applied, the retry answers with the room; a move played at an older version is refused STALE_VERSION."
)


class MoveCreate(Strict):
    move: dict[str, Any] = Field(description='The game\'s move, e.g. `{"column": 3}` in Connect Four.')
    version: int | None = Field(None, ge=0, le=2**31, description=MOVE_VERSION)

    @field_validator("move", mode="before")
    @classmethod
    def _clean_move(cls, value: Any) -> Any:
        return _no_nul(value)


class InviteCreate(Strict):
    user_id: uuid.UUID


class PlayerRead(BaseModel):
    seat: int
    player_id: str
    user_id: uuid.UUID | None = Field(description="None for a bot or a deleted user.")
    name: str = Field(description='"Deleted user" once the account is gone.')
    is_bot: bool
    bot_level: str | None
    left: bool
    away_until: datetime | None = Field(None, description="Set while the player is disconnected: forfeit at this time.")


class Outcome(BaseModel):
    winners: list[str] = Field(description="Player ids of the winners; empty for a draw.")
    reason: str


class GameRoomRead(BaseModel):
    id: uuid.UUID
    game: str
    title: str
    status: RoomStatus
    version: int
    options: dict[str, Any]
    players: list[PlayerRead]
    state: dict[str, Any] = Field(description="The game as the caller may see it (the plugin's view).")
    outcome: Outcome | None
    creator_id: uuid.UUID | None
    opponent_id: uuid.UUID | None
    winner_id: uuid.UUID | None
    my_player_id: str | None = Field(description="The caller's player id when they have a seat.")
    is_public: bool
    matchmaking: bool
    rematch_of: uuid.UUID | None
    topic: str = Field(description="Subscribe to this topic on the socket for live updates.")
    tick_rate: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class GameRoomSummary(BaseModel):
    id: uuid.UUID
    game: str
    title: str
    status: RoomStatus
    players: list[PlayerRead]
    max_players: int
    created_at: datetime


class RoomPage(BaseModel):
    rooms: list[GameRoomSummary]
    next_cursor: str | None


class HistoryEntry(BaseModel):
    id: uuid.UUID
    game: str
    title: str
    players: list[PlayerRead]
    outcome: Outcome | None
    winner_id: uuid.UUID | None
    finished_at: datetime | None


class HistoryPage(BaseModel):
    games: list[HistoryEntry]
    next_cursor: str | None


class RatingRead(BaseModel):
    rank: int
    user: PublicUser
    rating: int
    games: int
    wins: int
    losses: int
    draws: int


class Leaderboard(BaseModel):
    game: str
    entries: list[RatingRead]


class ReplayStep(BaseModel):
    version: int
    kind: str
    player_id: str
    move: dict[str, Any]
    state: dict[str, Any]


class Replay(BaseModel):
    room_id: uuid.UUID
    game: str
    options: dict[str, Any]
    players: list[PlayerRead]
    outcome: Outcome | None
    initial: dict[str, Any]
    steps: list[ReplayStep]
    complete: bool = Field(description="False when moves are missing (a deleted player's moves go with them).")
