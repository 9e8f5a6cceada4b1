"""What a data export holds of posts: the user's posts and comments, oldest first, in keyset pages."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.domains.posts.models import Comment, Post

_P = table_of(Post)
_C = table_of(Comment)
_POSTS = (
    select(_P.c.id, _P.c.sanctum_id, _P.c.body, _P.c.created_at, _P.c.edited_at)
    .where(_P.c.author_id == bindparam("user_id"), _P.c.id > bindparam("after"))
    .order_by(_P.c.id)
    .limit(bindparam("limit"))
)
_COMMENTS = (
    select(_C.c.id, _C.c.post_id, _C.c.parent_id, _C.c.body, _C.c.created_at, _C.c.edited_at)
    .where(_C.c.author_id == bindparam("user_id"), _C.c.id > bindparam("after"))
    .order_by(_C.c.id)
    .limit(bindparam("limit"))
)


async def posts_page(db: AsyncSession, user_id: uuid.UUID, after: int, limit: int) -> list[dict[str, Any]]:
    rows = await db.execute(_POSTS, {"user_id": user_id, "after": after, "limit": limit})
    return [
        {
            "id": row.id,
            "sanctum_id": str(row.sanctum_id) if row.sanctum_id else None,
            "body": row.body,
            "created_at": row.created_at.isoformat(),
            "edited_at": row.edited_at.isoformat() if row.edited_at else None,
        }
        for row in rows
    ]


async def comments_page(db: AsyncSession, user_id: uuid.UUID, after: int, limit: int) -> list[dict[str, Any]]:
    rows = await db.execute(_COMMENTS, {"user_id": user_id, "after": after, "limit": limit})
    return [
        {
            "id": row.id,
            "post_id": row.post_id,
            "parent_id": row.parent_id,
            "body": row.body,
            "created_at": row.created_at.isoformat(),
            "edited_at": row.edited_at.isoformat() if row.edited_at else None,
        }
        for row in rows
    ]
