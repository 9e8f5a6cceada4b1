"""Realtime events of the posts domain, on topic `post:{id}` (persistent: logged with a seq).

post.updated, post.deleted, comment.created, comment.updated, comment.deleted, like.updated.
Every event that changes a count carries the new count, so a watcher never recounts.
"""

from __future__ import annotations

POST_UPDATED = "post.updated"
POST_DELETED = "post.deleted"
COMMENT_CREATED = "comment.created"
COMMENT_UPDATED = "comment.updated"
COMMENT_DELETED = "comment.deleted"
LIKE_UPDATED = "like.updated"


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
