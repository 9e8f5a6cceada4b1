"""Feature flags: the operator's settings of each flag, per-user and per-sanctum overrides, and the
version counter every change bumps (docs/flags.md).

Revision ID: 0024
Revises: 0026
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0024"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feature_flags",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("rollout_percent", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_feature_flags"),
        sa.CheckConstraint("rollout_percent BETWEEN 0 AND 100", name="ck_feature_flags_rollout_percent"),
    )
    op.create_table(
        "feature_flag_overrides",
        sa.Column("flag", sa.String(64), nullable=False),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("value", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("flag", "subject_type", "subject_id", name="pk_feature_flag_overrides"),
        sa.ForeignKeyConstraint(
            ["flag"], ["feature_flags.name"], name="fk_feature_flag_overrides_flag_feature_flags", ondelete="CASCADE"
        ),
        sa.CheckConstraint("subject_type IN ('user', 'sanctum')", name="ck_feature_flag_overrides_subject_type"),
    )
    version = op.create_table(
        "feature_flag_version",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feature_flag_version"),
    )
    op.bulk_insert(version, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("feature_flag_version")
    op.drop_table("feature_flag_overrides")
    op.drop_table("feature_flags")
