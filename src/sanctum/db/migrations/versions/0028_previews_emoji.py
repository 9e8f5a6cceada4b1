"""Link previews: a message's or post's cards (`link_previews`, JSON written by the previews jobs) and
whether its author turned them off (`previews_off`); the re-encoded preview images Sanctum serves
(`link_preview_images`).

Revision ID: 0028
Revises: 0031
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0028"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("messages", "posts"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("link_previews", sa.Text(), nullable=True))
            batch.add_column(sa.Column("previews_off", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "link_preview_images",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_preview_images")),
    )


def downgrade() -> None:
    op.drop_table("link_preview_images")
    for table in ("posts", "messages"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("previews_off")
            batch.drop_column("link_previews")
