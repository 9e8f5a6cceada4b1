"""The email digest of missed mentions: `notifications.digested_at` marks a mention the digest has handled
(emailed, or passed over because its user wants no digest), so no mention is emailed twice; a partial index
finds the mentions still to handle.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = "kind = 'mention' AND digested_at IS NULL AND read_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("digested_at", UTCDateTime(), nullable=True))
    op.create_index(
        "ix_notifications_digest_pending",
        "notifications",
        ["created_at"],
        postgresql_where=sa.text(PENDING),
        sqlite_where=sa.text(PENDING),
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_digest_pending", table_name="notifications")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("digested_at")
