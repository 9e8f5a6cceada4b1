"""Posts and comments take a client_id, so a create retried after a 503 or a lost response is stored
once (the same key returns the first one), as chat messages already are.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("client_id", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_posts_author_id_client_id", ["author_id", "client_id"])
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("client_id", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_comments_post_id_author_id_client_id", ["post_id", "author_id", "client_id"])


def downgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.drop_constraint("uq_comments_post_id_author_id_client_id", type_="unique")
        batch.drop_column("client_id")
    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint("uq_posts_author_id_client_id", type_="unique")
        batch.drop_column("client_id")
