"""Realtime events of the posts domain, on topic `post:{id}` (persistent: logged with a seq).

Every event that changes a count carries the new count, so a watcher never recounts. When a post or
comment is deleted, its logged frames are rewritten to `Redacted` ({id, deleted: true}).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from sanctum.core.events import EventData, EventKind, Redacted
from sanctum.domains.posts.schemas import CommentRead
from sanctum.domains.previews.schemas import LinkPreview

POST = "post:{id}"


class PostChanged(EventData):
    id: int
    body: str
    html: str
    edited_at: datetime


class PostCards(EventData):
    id: int
    link_previews: list[LinkPreview]
    link_previews_enabled: bool


class PostGone(EventData):
    id: int
    removed_by_moderator: bool = False


class CommentCreated(EventData):
    comment: CommentRead
    comment_count: int


class CommentChanged(EventData):
    id: int
    parent_id: int | None
    body: str
    html: str
    edited_at: datetime


class CommentDeleted(EventData):
    id: int
    parent_id: int | None
    comment_count: int
    # True: it stays in the thread as "removed by a moderator", with its replies.
    removed_by_moderator: bool = False


class LikeChanged(EventData):
    target: Literal["post", "comment"]
    id: int
    like_count: int
    user_id: uuid.UUID
    liked: bool


POST_UPDATED: EventKind[PostChanged | Redacted] = EventKind(
    "post.updated", PostChanged, POST, "The post was edited.", redactable=True
)
POST_PREVIEWS: EventKind[PostCards] = EventKind(
    "post.previews", PostCards, POST, "The post's link preview cards arrived, changed or were removed."
)
POST_DELETED: EventKind[PostGone] = EventKind("post.deleted", PostGone, POST, "The post was deleted.")
COMMENT_CREATED: EventKind[CommentCreated | Redacted] = EventKind(
    "comment.created", CommentCreated, POST, "A comment or reply was added.", redactable=True
)
COMMENT_UPDATED: EventKind[CommentChanged | Redacted] = EventKind(
    "comment.updated", CommentChanged, POST, "A comment was edited.", redactable=True
)
COMMENT_DELETED: EventKind[CommentDeleted] = EventKind(
    "comment.deleted", CommentDeleted, POST, "A comment (and its replies) was deleted."
)
LIKE_UPDATED: EventKind[LikeChanged] = EventKind("like.updated", LikeChanged, POST, "A post or comment was (un)liked.")
EVENTS = (POST_UPDATED, POST_PREVIEWS, POST_DELETED, COMMENT_CREATED, COMMENT_UPDATED, COMMENT_DELETED, LIKE_UPDATED)


def post_topic(post_id: int) -> str:
    return f"post:{post_id}"


def post_id_of(topic: str) -> int | None:
    """The post of `post:{id}`, only in the canonical spelling events are published under."""
    raw = topic.removeprefix("post:")
    if not raw.isascii() or not raw.isdigit() or str(int(raw)) != raw:
        return None
    post_id = int(raw)
    return post_id if 0 < post_id < 2**62 else None


def comment_ref(comment_id: int) -> str:
    return f"comment:{comment_id}"


def post_ref(post_id: int) -> str:
    return f"post:{post_id}"
