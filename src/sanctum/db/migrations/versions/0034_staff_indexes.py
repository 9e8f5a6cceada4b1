"""The site admins' lists: suspended accounts (newest suspension first) and site staff (by username),
each read from a partial index holding only the few accounts it lists.

Revision ID: 0034
Revises: 0032
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_users_suspended_at_id",
        "users",
        ["suspended_at", "id"],
        postgresql_where=sa.text("suspended_at IS NOT NULL"),
        sqlite_where=sa.text("suspended_at IS NOT NULL"),
    )
    op.create_index(
        "ix_users_site_staff",
        "users",
        ["username"],
        postgresql_where=sa.text("site_role IS NOT NULL"),
        sqlite_where=sa.text("site_role IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_users_site_staff", table_name="users")
    op.drop_index("ix_users_suspended_at_id", table_name="users")
