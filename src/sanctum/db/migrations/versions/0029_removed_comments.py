"""A comment a moderator removes stays as a marker ("removed by a moderator"): `comments.removed_by_moderator`,
with its text cleared, so its replies keep their place in the thread.

Revision ID: 0029
Revises: 0022
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("removed_by_moderator", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("removed_by_moderator")
