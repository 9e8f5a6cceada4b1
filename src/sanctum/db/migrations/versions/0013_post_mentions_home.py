"""A new kind of notification: a mention in a post or a comment (`post_mention`); messages by author,
so Home's first-run checklist asks "has this person ever written?" with one index probe.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = (
    "'friend_request', 'friend_accepted', 'mention', 'comment', 'reply', 'like', 'game_invite', "
    "'reaction', 'thread_reply', 'message'"
)
KINDS = f"{OLD_KINDS}, 'post_mention'"
CHECK = "ck_notifications_ck_notifications_kind"  # as the naming convention spelled it in 0005


def upgrade() -> None:
    op.create_index("ix_messages_author_id_id", "messages", ["author_id", "id"])
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), f"kind IN ({KINDS})")


def downgrade() -> None:
    op.drop_index("ix_messages_author_id_id", table_name="messages")
    notifications = sa.table("notifications", sa.column("kind", sa.String))
    op.execute(notifications.delete().where(notifications.c.kind == "post_mention"))
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), f"kind IN ({OLD_KINDS})")
