"""What a data export holds of chat: every message the user wrote and did not delete, oldest first.

Read in pages by id (keyset), so an export of a long history never holds more than one page."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.domains.chat.models import Message

_M = table_of(Message)
_PAGE = (
    select(_M.c.id, _M.c.room_id, _M.c.parent_id, _M.c.body, _M.c.created_at, _M.c.edited_at)
    .where(
        _M.c.author_id == bindparam("user_id"),
        _M.c.id > bindparam("after"),
        _M.c.kind == "user",
        _M.c.deleted_at.is_(None),
    )
    .order_by(_M.c.id)
    .limit(bindparam("limit"))
)


async def messages_page(db: AsyncSession, user_id: uuid.UUID, after: int, limit: int) -> list[dict[str, Any]]:
    """For the export domain, in its session: messages of `user_id` with an id above `after`."""
    rows = await db.execute(_PAGE, {"user_id": user_id, "after": after, "limit": limit})
    return [
        {
            "id": row.id,
            "room_id": str(row.room_id),
            "parent_id": row.parent_id,
            "body": row.body,
            "created_at": row.created_at.isoformat(),
            "edited_at": row.edited_at.isoformat() if row.edited_at else None,
        }
        for row in rows
    ]
