"""Data exports: one row per requested archive, its bytes in chunks (so any instance can stream it and
no process holds a whole archive in memory), deleted once downloaded or 24 hours after it was built.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_exports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("ready_at", UTCDateTime(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("downloaded_at", UTCDateTime(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False, server_default="0"),
        # The one-minute download cookie (its SHA-256 digest only), set by an authenticated request.
        sa.Column("download_digest", sa.String(64), nullable=True),
        sa.Column("download_until", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_data_exports"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_data_exports_user_id_users", ondelete="CASCADE"),
        sa.CheckConstraint(
            "status IN ('pending', 'ready', 'downloaded', 'expired', 'failed')", name="ck_data_exports_status"
        ),
    )
    op.create_index("ix_data_exports_user_id_requested_at", "data_exports", ["user_id", "requested_at"])
    op.create_index("ix_data_exports_expires_at", "data_exports", ["expires_at"])
    op.create_table(
        "data_export_chunks",
        sa.Column("export_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("export_id", "seq", name="pk_data_export_chunks"),
        sa.ForeignKeyConstraint(
            ["export_id"], ["data_exports.id"], name="fk_data_export_chunks_export_id_data_exports", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("data_export_chunks")
    op.drop_index("ix_data_exports_expires_at", table_name="data_exports")
    op.drop_index("ix_data_exports_user_id_requested_at", table_name="data_exports")
    op.drop_table("data_exports")
