"""Tables of the posts domain.

Counts (likes, comments) are not stored: they are counted from the rows on every read (primary-key
and (post_id, id) index ranges), so cascading deletes of a user's likes or comments never leave a
count that disagrees with the rows.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime

# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY auto-increments.
PostId = BigInteger().with_variant(Integer(), "sqlite")


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_sanctum_id_id", "sanctum_id", "id"),
        Index("ix_posts_author_id_id", "author_id", "id"),
        UniqueConstraint("author_id", "client_id", name="uq_posts_author_id_client_id"),
    )

    id: Mapped[int] = mapped_column(PostId, primary_key=True, autoincrement=True)
    # Null: a post on the author's profile.
    sanctum_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("sanctums.id", ondelete="CASCADE"), nullable=True
    )
    # Null once the author deleted their account: the post stays, by "deleted user".
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A retried create with the same key finds this post instead of making another (core/ids.py).
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The cards of its first links (JSON, previews.schemas.LinkPreview), and whether the author turned them off.
    link_previews: Mapped[str | None] = mapped_column(Text, nullable=True)
    previews_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post_id_id", "post_id", "id"),
        Index("ix_comments_parent_id_id", "parent_id", "id"),
        UniqueConstraint("post_id", "author_id", "client_id", name="uq_comments_post_id_author_id_client_id"),
    )

    id: Mapped[int] = mapped_column(PostId, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(PostId, ForeignKey("posts.id", ondelete="CASCADE"))
    # One level of replies: a reply's parent is always a top-level comment.
    parent_id: Mapped[int | None] = mapped_column(PostId, ForeignKey("comments.id", ondelete="CASCADE"), nullable=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Removed by a moderator: its text is gone, the row stays so its replies keep their place.
    removed_by_moderator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PostLike(Base):
    __tablename__ = "post_likes"

    post_id: Mapped[int] = mapped_column(PostId, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommentLike(Base):
    __tablename__ = "comment_likes"

    comment_id: Mapped[int] = mapped_column(PostId, ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
