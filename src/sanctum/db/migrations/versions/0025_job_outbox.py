"""The transactional outbox of the job queue: jobs asked for inside a unit of work, written in its
transaction and deleted once queued (docs/jobs.md).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_job_outbox"),
    )
    op.create_index("ix_job_outbox_created_at", "job_outbox", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_job_outbox_created_at", table_name="job_outbox")
    op.drop_table("job_outbox")
