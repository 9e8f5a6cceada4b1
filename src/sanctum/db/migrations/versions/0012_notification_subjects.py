"""New kinds of notification (a reaction to your message, a reply in your thread, a DM or group message),
and notifications name their subject (`room:{id}`, `post:{id}`, `game:{id}`), so viewing a conversation or
a post marks what it is about read in one statement on (user_id, subject). Older rows keep a null subject.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "'friend_request', 'friend_accepted', 'mention', 'comment', 'reply', 'like', 'game_invite'"
KINDS = f"{OLD_KINDS}, 'reaction', 'thread_reply', 'message'"
CHECK = "ck_notifications_ck_notifications_kind"  # as the naming convention spelled it in 0005


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("subject", sa.String(80), nullable=True))
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), f"kind IN ({KINDS})")
    op.create_index(
        "ix_notifications_user_id_subject_unread",
        "notifications",
        ["user_id", "subject"],
        postgresql_where=sa.text("read_at IS NULL"),
        sqlite_where=sa.text("read_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_user_id_subject_unread", table_name="notifications")
    notifications = sa.table("notifications", sa.column("kind", sa.String))
    op.execute(notifications.delete().where(notifications.c.kind.in_(["reaction", "thread_reply", "message"])))
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("subject")
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), f"kind IN ({OLD_KINDS})")
