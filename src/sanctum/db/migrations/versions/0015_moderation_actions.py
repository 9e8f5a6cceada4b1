"""Pins, mutes, bans and moderator removals.

- `room_pins`: the pinned messages of a room (at most 3, kept by the service under the room's lock);
  a pin goes with its room or message.
- `room_members.muted_until`, `sanctum_members.muted_until`: a mute ends by itself when the time is past
  (a comparison on the membership row every send already reads; nothing runs to lift it).
- `sanctum_bans`: who may not come back into a sanctum, until unbanned.
- `messages.removed_by_moderator`: a deleted message that shows as removed by a moderator.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGE_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "room_pins",
        sa.Column("room_id", sa.Uuid(), nullable=False),
        sa.Column("message_id", _MESSAGE_ID, nullable=False),
        sa.Column("pinned_by", sa.Uuid(), nullable=True),
        sa.Column("pinned_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "message_id", name="pk_room_pins"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_room_pins_room_id_rooms", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name="fk_room_pins_message_id_messages", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["pinned_by"], ["users.id"], name="fk_room_pins_pinned_by_users", ondelete="SET NULL"),
    )
    op.create_table(
        "sanctum_bans",
        sa.Column("sanctum_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("banned_by", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sanctum_id", "user_id", name="pk_sanctum_bans"),
        sa.ForeignKeyConstraint(
            ["sanctum_id"], ["sanctums.id"], name="fk_sanctum_bans_sanctum_id_sanctums", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sanctum_bans_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["banned_by"], ["users.id"], name="fk_sanctum_bans_banned_by_users", ondelete="SET NULL"
        ),
    )
    for table in ("room_members", "sanctum_members"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("muted_until", UTCDateTime(), nullable=True))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("removed_by_moderator", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("removed_by_moderator")
    for table in ("room_members", "sanctum_members"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("muted_until")
    op.drop_table("sanctum_bans")
    op.drop_table("room_pins")
