"""Games: rooms with versioned snapshots, seats, the move log, and Elo ratings per game.

User references follow source document 000 (PR-1): a room's creator, opponent and winner and a
seat's user become NULL when the user is deleted; the user's moves are deleted with them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "game_rooms",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("game", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="waiting"),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("creator_id", sa.Uuid(), nullable=True),
        sa.Column("opponent_id", sa.Uuid(), nullable=True),
        sa.Column("winner_id", sa.Uuid(), nullable=True),
        sa.Column("result_reason", sa.String(40), nullable=True),
        sa.Column("winners", sa.JSON(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("matchmaking", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rematch_of", sa.Uuid(), nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_game_rooms"),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["users.id"], name="fk_game_rooms_creator_id_users", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["opponent_id"], ["users.id"], name="fk_game_rooms_opponent_id_users", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["winner_id"], ["users.id"], name="fk_game_rooms_winner_id_users", ondelete="SET NULL"),
        sa.CheckConstraint("status IN ('waiting', 'active', 'finished', 'abandoned')", name="ck_game_rooms_status"),
        sa.CheckConstraint("version >= 0", name="ck_game_rooms_version"),
    )
    op.create_index("ix_game_rooms_status_game_created_at", "game_rooms", ["status", "game", "created_at"])
    op.create_index("ix_game_rooms_matchmaking_status", "game_rooms", ["matchmaking", "status"])
    op.create_table(
        "game_seats",
        sa.Column("room_id", sa.Uuid(), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("bot_level", sa.String(16), nullable=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("left_at", UTCDateTime(), nullable=True),
        sa.Column("away_until", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("room_id", "seat", name="pk_game_seats"),
        sa.ForeignKeyConstraint(
            ["room_id"], ["game_rooms.id"], name="fk_game_seats_room_id_game_rooms", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_game_seats_user_id_users", ondelete="SET NULL"),
    )
    op.create_index("ix_game_seats_user_id_room_id", "game_seats", ["user_id", "room_id"])
    op.create_table(
        "game_moves",
        sa.Column("room_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("player_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "version", name="pk_game_moves"),
        sa.ForeignKeyConstraint(
            ["room_id"], ["game_rooms.id"], name="fk_game_moves_room_id_game_rooms", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_game_moves_user_id_users", ondelete="CASCADE"),
    )
    op.create_index("ix_game_moves_user_id", "game_moves", ["user_id"])
    op.create_table(
        "game_ratings",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("game", sa.String(40), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False, server_default="1200"),
        sa.Column("games", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("wins", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("losses", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("draws", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "game", name="pk_game_ratings"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_game_ratings_user_id_users", ondelete="CASCADE"),
    )
    op.create_index("ix_game_ratings_game_rating", "game_ratings", ["game", "rating"])


def downgrade() -> None:
    op.drop_table("game_ratings")
    op.drop_table("game_moves")
    op.drop_table("game_seats")
    op.drop_table("game_rooms")
