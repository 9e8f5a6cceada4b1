"""Sanctums, posts, comments, likes and friends; the foreign key from a sanctum's room to it.

Delete rules (docs/social.md, "Deleting"):
- a user's memberships, likes and friendships go with them (CASCADE);
- their posts and comments stay, by "deleted user" (author_id SET NULL), as chat messages do;
- a sanctum's founder reference is SET NULL; its posts, members and main room go with the sanctum (CASCADE);
- a post's comments and likes go with the post, a comment's replies and likes with the comment (CASCADE).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PostId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sanctums",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(40), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("description", sa.String(1000), nullable=False, server_default=""),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sanctums"),
        sa.UniqueConstraint("slug", name="uq_sanctums_slug"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_sanctums_created_by_users", ondelete="SET NULL"),
        sa.CheckConstraint("visibility IN ('public', 'private')", name="ck_sanctums_visibility"),
    )
    op.create_index("ix_sanctums_visibility_name_id", "sanctums", ["visibility", "name", "id"])
    op.create_table(
        "sanctum_members",
        sa.Column("sanctum_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False, server_default="member"),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sanctum_id", "user_id", name="pk_sanctum_members"),
        sa.ForeignKeyConstraint(
            ["sanctum_id"], ["sanctums.id"], name="fk_sanctum_members_sanctum_id_sanctums", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sanctum_members_user_id_users", ondelete="CASCADE"),
        sa.CheckConstraint("role IN ('owner', 'moderator', 'member')", name="ck_sanctum_members_role"),
    )
    op.create_index("ix_sanctum_members_user_id_sanctum_id", "sanctum_members", ["user_id", "sanctum_id"])
    with op.batch_alter_table("rooms") as batch:
        batch.create_foreign_key("fk_rooms_sanctum_id_sanctums", "sanctums", ["sanctum_id"], ["id"], ondelete="CASCADE")
    op.create_table(
        "posts",
        sa.Column("id", PostId, nullable=False, autoincrement=True),
        sa.Column("sanctum_id", sa.Uuid(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_posts"),
        sa.ForeignKeyConstraint(
            ["sanctum_id"], ["sanctums.id"], name="fk_posts_sanctum_id_sanctums", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_posts_author_id_users", ondelete="SET NULL"),
    )
    op.create_index("ix_posts_sanctum_id_id", "posts", ["sanctum_id", "id"])
    op.create_index("ix_posts_author_id_id", "posts", ["author_id", "id"])
    op.create_table(
        "comments",
        sa.Column("id", PostId, nullable=False, autoincrement=True),
        sa.Column("post_id", PostId, nullable=False),
        sa.Column("parent_id", PostId, nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_comments_post_id_posts", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["comments.id"], name="fk_comments_parent_id_comments", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_comments_author_id_users", ondelete="SET NULL"),
    )
    op.create_index("ix_comments_post_id_id", "comments", ["post_id", "id"])
    op.create_index("ix_comments_parent_id_id", "comments", ["parent_id", "id"])
    op.create_table(
        "post_likes",
        sa.Column("post_id", PostId, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("post_id", "user_id", name="pk_post_likes"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_post_likes_post_id_posts", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_post_likes_user_id_users", ondelete="CASCADE"),
    )
    op.create_table(
        "comment_likes",
        sa.Column("comment_id", PostId, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("comment_id", "user_id", name="pk_comment_likes"),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name="fk_comment_likes_comment_id_comments", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_comment_likes_user_id_users", ondelete="CASCADE"),
    )
    op.create_table(
        "friendships",
        sa.Column("user_low", sa.Uuid(), nullable=False),
        sa.Column("user_high", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("user_low", "user_high", name="pk_friendships"),
        sa.ForeignKeyConstraint(["user_low"], ["users.id"], name="fk_friendships_user_low_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_high"], ["users.id"], name="fk_friendships_user_high_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name="fk_friendships_requested_by_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint("user_low < user_high", name="ck_friendships_canonical_pair"),
        sa.CheckConstraint("status IN ('pending', 'accepted')", name="ck_friendships_status"),
        sa.CheckConstraint("requested_by IN (user_low, user_high)", name="ck_friendships_requester_in_pair"),
    )
    op.create_index("ix_friendships_user_high_user_low", "friendships", ["user_high", "user_low"])


def downgrade() -> None:
    op.drop_table("friendships")
    op.drop_table("comment_likes")
    op.drop_table("post_likes")
    op.drop_table("comments")
    op.drop_table("posts")
    with op.batch_alter_table("rooms") as batch:
        batch.drop_constraint("fk_rooms_sanctum_id_sanctums", type_="foreignkey")
    op.drop_table("sanctum_members")
    op.drop_table("sanctums")
