"""Chat: rooms, members with read watermarks, messages with threads, edits, reactions, mentions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MessageId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(80), nullable=False, server_default=""),
        sa.Column("topic", sa.String(250), nullable=False, server_default=""),
        sa.Column("description", sa.String(1000), nullable=False, server_default=""),
        sa.Column("dm_key", sa.String(80), nullable=True),
        sa.Column("sanctum_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("member_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_message_id", MessageId, nullable=True),
        sa.Column("last_activity_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rooms"),
        sa.UniqueConstraint("dm_key", name="uq_rooms_dm_key"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_rooms_created_by_users", ondelete="SET NULL"),
        sa.CheckConstraint("kind IN ('public', 'private', 'dm', 'group')", name="ck_rooms_kind"),
    )
    op.create_index("ix_rooms_kind_name", "rooms", ["kind", "name"])
    op.create_index("uq_rooms_sanctum_id", "rooms", ["sanctum_id"], unique=True)
    op.create_table(
        "room_members",
        sa.Column("room_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False, server_default="member"),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("last_read_message_id", MessageId, nullable=False, server_default="0"),
        sa.Column("last_delivered_message_id", MessageId, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("room_id", "user_id", name="pk_room_members"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_room_members_room_id_rooms", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_room_members_user_id_users", ondelete="CASCADE"),
        sa.CheckConstraint("role IN ('owner', 'moderator', 'member')", name="ck_room_members_role"),
    )
    op.create_index("ix_room_members_user_id_room_id", "room_members", ["user_id", "room_id"])
    op.create_table(
        "messages",
        sa.Column("id", MessageId, nullable=False, autoincrement=True),
        sa.Column("room_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False, server_default="user"),
        sa.Column("body", sa.Text(), nullable=False, server_default=""),
        sa.Column("html", sa.Text(), nullable=False, server_default=""),
        sa.Column("parent_id", MessageId, nullable=True),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("reply_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_reply_at", UTCDateTime(), nullable=True),
        sa.Column("edited_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_messages_room_id_rooms", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_messages_author_id_users", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["messages.id"], name="fk_messages_parent_id_messages", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("room_id", "author_id", "client_id", name="uq_messages_room_id_author_id_client_id"),
    )
    op.create_index("ix_messages_room_id_id", "messages", ["room_id", "id"])
    op.create_index("ix_messages_parent_id_id", "messages", ["parent_id", "id"])
    op.create_table(
        "message_edits",
        sa.Column("id", MessageId, nullable=False, autoincrement=True),
        sa.Column("message_id", MessageId, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("edited_by", sa.Uuid(), nullable=True),
        sa.Column("replaced_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_message_edits"),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name="fk_message_edits_message_id_messages", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["edited_by"], ["users.id"], name="fk_message_edits_edited_by_users", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_message_edits_message_id", "message_edits", ["message_id"])
    op.create_table(
        "message_reactions",
        sa.Column("message_id", MessageId, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("emoji", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("message_id", "user_id", "emoji", name="pk_message_reactions"),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name="fk_message_reactions_message_id_messages", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_message_reactions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "message_mentions",
        sa.Column("message_id", MessageId, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("room_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("message_id", "user_id", name="pk_message_mentions"),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name="fk_message_mentions_message_id_messages", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_message_mentions_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name="fk_message_mentions_room_id_rooms", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_message_mentions_user_id_message_id", "message_mentions", ["user_id", "message_id"])


def downgrade() -> None:
    op.drop_table("message_mentions")
    op.drop_table("message_reactions")
    op.drop_table("message_edits")
    op.drop_table("messages")
    op.drop_table("room_members")
    op.drop_table("rooms")
