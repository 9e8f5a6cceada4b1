"""A new kind of notification: a call that rang out unanswered (`missed_call`), so a call rung while no
tab was open still reaches its callee (in the list, and by push).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = (
    "'friend_request', 'friend_accepted', 'mention', 'comment', 'reply', 'like', 'game_invite', "
    "'reaction', 'thread_reply', 'message', 'post_mention'"
)
KINDS = f"{OLD_KINDS}, 'missed_call'"
CHECK = "ck_notifications_ck_notifications_kind"  # as the naming convention spelled it in 0005


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), f"kind IN ({KINDS})")


def downgrade() -> None:
    notifications = sa.table("notifications", sa.column("kind", sa.String))
    op.execute(notifications.delete().where(notifications.c.kind == "missed_call"))
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), f"kind IN ({OLD_KINDS})")
