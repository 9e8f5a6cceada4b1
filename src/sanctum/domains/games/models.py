"""Tables of the games domain.

A room row holds the latest snapshot of its game (`state`, the plugin's `encode`) and its `version`.
Every accepted change bumps the version with a conditional UPDATE (`WHERE version = :seen`), and
every accepted turn-based move is a `game_moves` row keyed by (room_id, version): two instances can
never both apply a move at the same version.

Deleting a user never breaks a game (source document 000, PR-1): creator, opponent, winner and a
seat's user become NULL (shown as "deleted user"); the user's moves go with them (CASCADE).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime

ROOM_STATUSES = ("waiting", "active", "finished", "abandoned")


class GameRoom(Base):
    __tablename__ = "game_rooms"
    __table_args__ = (
        Index("ix_game_rooms_status_game_created_at", "status", "game", "created_at"),
        Index("ix_game_rooms_matchmaking_status", "matchmaking", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    game: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=0)
    creator_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    opponent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    winner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    result_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # The seat ids ("<uuid>" or "bot:<level>") that won; empty for a draw.
    winners: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    matchmaking: Mapped[bool] = mapped_column(Boolean, default=False)
    # The creator's rating when the room was opened by "play now", to pair similar players.
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rematch_of: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class GameSeat(Base):
    """A player of a room, kept after the game for history. `user_id` is NULL for a bot or a deleted user."""

    __tablename__ = "game_seats"
    __table_args__ = (Index("ix_game_seats_user_id_room_id", "user_id", "room_id"),)

    room_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("game_rooms.id", ondelete="CASCADE"), primary_key=True)
    seat: Mapped[int] = mapped_column(Integer, primary_key=True)
    player_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    bot_level: Mapped[str | None] = mapped_column(String(16), nullable=True)
    name: Mapped[str] = mapped_column(String(80))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set while the player is disconnected: the moment they forfeit unless they come back.
    away_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class GameMove(Base):
    """One accepted change of a room at one version: a join, a leave or a move (the replay log)."""

    __tablename__ = "game_moves"

    room_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("game_rooms.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    player_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GameRating(Base):
    """A user's Elo rating in one game."""

    __tablename__ = "game_ratings"
    __table_args__ = (Index("ix_game_ratings_game_rating", "game", "rating"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    game: Mapped[str] = mapped_column(String(40), primary_key=True)
    rating: Mapped[int] = mapped_column(Integer, default=1200)
    games: Mapped[int] = mapped_column(Integer, default=0)
    wins: Mapped[int] = mapped_column(Integer, default=0)
    losses: Mapped[int] = mapped_column(Integer, default=0)
    draws: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
