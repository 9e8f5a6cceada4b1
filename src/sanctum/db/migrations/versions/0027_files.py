"""Uploaded files: attachments of messages and posts, avatars and sanctum icons; the bytes live in the
file store (local disk or S3), each row names its objects and its container.

Revision ID: 0027
Revises: 0025 (chained after main's head when main was merged in)
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0027"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("thumbnail_key", sa.String(200), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("post_id", sa.BigInteger(), nullable=True),
        sa.Column("sanctum_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_files"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_files_owner_id_users", ondelete="CASCADE"),
        sa.CheckConstraint("purpose IN ('attachment', 'avatar', 'icon')", name="ck_files_purpose"),
    )
    op.create_index("ix_files_owner_id_purpose", "files", ["owner_id", "purpose"])
    op.create_index("ix_files_message_id", "files", ["message_id"])
    op.create_index("ix_files_post_id", "files", ["post_id"])
    op.create_index("ix_files_sanctum_id_purpose", "files", ["sanctum_id", "purpose"])


def downgrade() -> None:
    op.drop_table("files")
