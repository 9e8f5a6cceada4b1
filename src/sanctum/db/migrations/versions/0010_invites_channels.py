"""Invite links to sanctums and private rooms; channels, the rooms of a sanctum besides its main room.

- `invites`: one row per link. Only the SHA-256 of its token is stored (a stolen database or backup
  opens no door), with the token's last four characters so an owner can tell links apart. It targets a
  sanctum or a room, never both (a check); it goes with its target (CASCADE); its author may go (SET NULL).
- `rooms.channel_of`: the sanctum a channel belongs to (CASCADE, as its main room); `rooms.position`
  orders a sanctum's channels. The main room keeps `rooms.sanctum_id` and its unique index.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invites",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("hint", sa.String(8), nullable=False),
        sa.Column("sanctum_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invites"),
        sa.UniqueConstraint("token_hash", name="uq_invites_token_hash"),
        sa.ForeignKeyConstraint(
            ["sanctum_id"], ["sanctums.id"], name="fk_invites_sanctum_id_sanctums", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_invites_room_id_rooms", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_invites_created_by_users", ondelete="SET NULL"),
        sa.CheckConstraint("(sanctum_id IS NULL) <> (room_id IS NULL)", name="ck_invites_one_target"),
    )
    op.create_index("ix_invites_sanctum_id_created_at", "invites", ["sanctum_id", "created_at"])
    op.create_index("ix_invites_room_id_created_at", "invites", ["room_id", "created_at"])
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(sa.Column("channel_of", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch.create_foreign_key("fk_rooms_channel_of_sanctums", "sanctums", ["channel_of"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_rooms_channel_of_position", ["channel_of", "position"])


def downgrade() -> None:
    with op.batch_alter_table("rooms") as batch:
        batch.drop_index("ix_rooms_channel_of_position")
        batch.drop_constraint("fk_rooms_channel_of_sanctums", type_="foreignkey")
        batch.drop_column("position")
        batch.drop_column("channel_of")
    op.drop_index("ix_invites_room_id_created_at", table_name="invites")
    op.drop_index("ix_invites_sanctum_id_created_at", table_name="invites")
    op.drop_table("invites")
