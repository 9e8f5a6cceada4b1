"""Custom emoji per sanctum: a shortcode name and the uploaded image it shows (`sanctum_emoji`); files
gain the `emoji` purpose; a reaction's emoji may be a 32-character `:name:` (34 characters).

Revision ID: 0032
Revises: 0027
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0032"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PURPOSES = "purpose IN ('attachment', 'avatar', 'icon', 'emoji')"
_OLD_PURPOSES = "purpose IN ('attachment', 'avatar', 'icon')"
CHECK = "ck_files_ck_files_purpose"  # as the naming convention spelled it in 0027


def upgrade() -> None:
    with op.batch_alter_table("files") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), _PURPOSES)
    # SQLite does not hold VARCHAR to its length; PostgreSQL does.
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("message_reactions", "emoji", type_=sa.String(40), existing_nullable=False)
    op.create_table(
        "sanctum_emoji",
        sa.Column("sanctum_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sanctum_id", "name", name="pk_sanctum_emoji"),
        sa.ForeignKeyConstraint(
            ["sanctum_id"], ["sanctums.id"], name="fk_sanctum_emoji_sanctum_id_sanctums", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], name="fk_sanctum_emoji_file_id_files", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name="fk_sanctum_emoji_created_by_users", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_sanctum_emoji_file_id", "sanctum_emoji", ["file_id"])


def downgrade() -> None:
    op.drop_table("sanctum_emoji")
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("message_reactions", "emoji", type_=sa.String(32), existing_nullable=False)
    files = sa.table("files", sa.column("purpose", sa.String))
    op.execute(files.delete().where(files.c.purpose == "emoji"))
    with op.batch_alter_table("files") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), _OLD_PURPOSES)
