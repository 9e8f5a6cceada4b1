"""Notifications (one row per thing to tell, aggregated likers) and the jobs dead-letter queue.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KINDS = "'friend_request', 'friend_accepted', 'mention', 'comment', 'reply', 'like', 'game_invite'"


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", BigId, nullable=False, autoincrement=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_count", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("data", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        # The recipient's notifications go with their account.
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_notifications_user_id_users", ondelete="CASCADE"),
        # A deleted actor leaves the notification, shown as "a deleted user".
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name="fk_notifications_actor_id_users", ondelete="SET NULL"
        ),
        # Idempotency: a job that runs twice finds its notification already there.
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_id_dedupe_key"),
        sa.CheckConstraint(f"kind IN ({KINDS})", name="ck_notifications_kind"),
    )
    op.create_index("ix_notifications_user_id_updated_at_id", "notifications", ["user_id", "updated_at", "id"])
    op.create_index(
        "ix_notifications_user_id_unread",
        "notifications",
        ["user_id"],
        postgresql_where=sa.text("read_at IS NULL"),
        sqlite_where=sa.text("read_at IS NULL"),
    )
    op.create_table(
        "notification_actors",
        sa.Column("notification_id", BigId, nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("notification_id", "actor_id", name="pk_notification_actors"),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name="fk_notification_actors_notification_id_notifications",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name="fk_notification_actors_actor_id_users", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "job_dead_letters",
        sa.Column("id", BigId, nullable=False, autoincrement=True),
        sa.Column("job", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_at", UTCDateTime(), nullable=False),
        sa.Column("retried_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_job_dead_letters"),
    )
    op.create_index("ix_job_dead_letters_retried_at_id", "job_dead_letters", ["retried_at", "id"])


def downgrade() -> None:
    op.drop_table("job_dead_letters")
    op.drop_table("notification_actors")
    op.drop_table("notifications")
