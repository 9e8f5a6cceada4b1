"""Realtime event log: a `ref` naming the object an event carries, so its logged frames can be redacted.

When a chat message is edited or deleted, every logged frame that carried its content is rewritten,
so a client resuming with `since` never receives text that is no longer served.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("realtime_events") as batch:
        batch.add_column(sa.Column("ref", sa.String(64), nullable=True))
    op.create_index(
        "ix_realtime_events_topic_ref",
        "realtime_events",
        ["topic", "ref"],
        postgresql_where=sa.text("ref IS NOT NULL"),
        sqlite_where=sa.text("ref IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_realtime_events_topic_ref", table_name="realtime_events")
    with op.batch_alter_table("realtime_events") as batch:
        batch.drop_column("ref")
