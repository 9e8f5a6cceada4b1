"""Realtime event log: per-topic sequence counters and the persistent events themselves.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "realtime_topics",
        sa.Column("topic", sa.String(160), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("topic", name="pk_realtime_topics"),
    )
    op.create_table(
        "realtime_events",
        sa.Column("topic", sa.String(160), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("frame", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("topic", "seq", name="pk_realtime_events"),
    )


def downgrade() -> None:
    op.drop_table("realtime_events")
    op.drop_table("realtime_topics")
