"""Blocks and a welcoming room: `user_blocks`, `sanctum_welcomes`, `users.is_bot`, `rooms.system_messages_unread`.

A block is one row (blocker, blocked); the reverse direction is found through
ix_user_blocks_blocked_id_blocker_id. `users.is_bot` marks system accounts (the welcome bot).
`rooms.system_messages_unread` (off for every room) says whether system lines count as unread;
`sanctum_welcomes` records whom the welcome bot greeted in which sanctum (once, on the first join).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_blocks",
        sa.Column("blocker_id", sa.Uuid(), nullable=False),
        sa.Column("blocked_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocker_id"], ["users.id"], name=op.f("fk_user_blocks_blocker_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["blocked_id"], ["users.id"], name=op.f("fk_user_blocks_blocked_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name=op.f("pk_user_blocks")),
    )
    op.create_index("ix_user_blocks_blocked_id_blocker_id", "user_blocks", ["blocked_id", "blocker_id"])
    op.create_table(
        "sanctum_welcomes",
        sa.Column("sanctum_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sanctum_id"], ["sanctums.id"], name=op.f("fk_sanctum_welcomes_sanctum_id_sanctums"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sanctum_welcomes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sanctum_id", "user_id", name=op.f("pk_sanctum_welcomes")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("is_bot", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(sa.Column("system_messages_unread", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_table("sanctum_welcomes")
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("system_messages_unread")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("is_bot")
    op.drop_index("ix_user_blocks_blocked_id_blocker_id", table_name="user_blocks")
    op.drop_table("user_blocks")
