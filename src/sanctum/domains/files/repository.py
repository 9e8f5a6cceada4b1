"""Every query of the files domain. Hot statements (a page's attachments, attaching on send) are
built once at import with bindparams."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.db.dialect import affected
from sanctum.domains.files.models import StoredFile

_files = table_of(StoredFile)
_COLUMNS = (
    _files.c.id,
    _files.c.owner_id,
    _files.c.purpose,
    _files.c.name,
    _files.c.content_type,
    _files.c.size,
    _files.c.width,
    _files.c.height,
    _files.c.storage_key,
    _files.c.thumbnail_key,
    _files.c.message_id,
    _files.c.room_id,
    _files.c.post_id,
    _files.c.sanctum_id,
    _files.c.created_at,
)
_BY_ID = select(*_COLUMNS).where(_files.c.id == bindparam("id"))
_OF_MESSAGES = (
    select(*_COLUMNS)
    .where(_files.c.message_id.in_(bindparam("ids", expanding=True)))
    .order_by(_files.c.message_id, _files.c.created_at, _files.c.id)
)
_OF_POSTS = (
    select(*_COLUMNS)
    .where(_files.c.post_id.in_(bindparam("ids", expanding=True)))
    .order_by(_files.c.post_id, _files.c.created_at, _files.c.id)
)
_BY_IDS = select(*_COLUMNS).where(_files.c.id.in_(bindparam("ids", expanding=True)))
_UNATTACHED = (
    (_files.c.id.in_(bindparam("ids", expanding=True)))
    & (_files.c.owner_id == bindparam("b_owner"))
    & (_files.c.purpose == "attachment")
    & _files.c.message_id.is_(None)
    & _files.c.post_id.is_(None)
)
_ATTACH_TO_MESSAGE = (
    update(_files).where(_UNATTACHED).values(message_id=bindparam("b_message"), room_id=bindparam("b_room"))
)
_ATTACH_TO_POST = update(_files).where(_UNATTACHED).values(post_id=bindparam("b_post"))
_NOT_ATTACHED = (_files.c.purpose == "attachment") & _files.c.message_id.is_(None) & _files.c.post_id.is_(None)
_EXPIRED = _NOT_ATTACHED & (_files.c.created_at < bindparam("cutoff"))
# What counts against the quota: everything but uploads left unattached past their time.
_USED = select(func.coalesce(func.sum(_files.c.size), 0)).where(
    (_files.c.owner_id == bindparam("owner_id")) & ~_EXPIRED
)
_OWN_EXPIRED = select(*_COLUMNS).where((_files.c.owner_id == bindparam("owner_id")) & _EXPIRED)


class FileRepository:
    async def get(self, db: AsyncSession, file_id: uuid.UUID) -> Any:
        return (await db.execute(_BY_ID, {"id": file_id})).first()

    async def used_bytes(self, db: AsyncSession, owner_id: uuid.UUID, cutoff: datetime) -> int:
        return int((await db.execute(_USED, {"owner_id": owner_id, "cutoff": cutoff})).scalar_one())

    async def expired(self, db: AsyncSession, owner_id: uuid.UUID, cutoff: datetime) -> Sequence[Any]:
        """The owner's uploads never attached and older than `cutoff`."""
        return (await db.execute(_OWN_EXPIRED, {"owner_id": owner_id, "cutoff": cutoff})).all()

    async def insert(self, db: AsyncSession, values: dict[str, Any]) -> None:
        await db.execute(_files.insert(), values)

    async def attach_to_message(
        self, db: AsyncSession, owner_id: uuid.UUID, ids: Sequence[uuid.UUID], room_id: uuid.UUID, message_id: int
    ) -> int:
        result = await db.execute(
            _ATTACH_TO_MESSAGE, {"ids": list(ids), "b_owner": owner_id, "b_room": room_id, "b_message": message_id}
        )
        return affected(result)

    async def attach_to_post(
        self, db: AsyncSession, owner_id: uuid.UUID, ids: Sequence[uuid.UUID], post_id: int
    ) -> int:
        result = await db.execute(_ATTACH_TO_POST, {"ids": list(ids), "b_owner": owner_id, "b_post": post_id})
        return affected(result)

    async def by_ids(self, db: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Any]:
        return (await db.execute(_BY_IDS, {"ids": list(ids)})).all()

    async def of_messages(self, db: AsyncSession, message_ids: Sequence[int]) -> Sequence[Any]:
        return (await db.execute(_OF_MESSAGES, {"ids": list(message_ids)})).all()

    async def of_posts(self, db: AsyncSession, post_ids: Sequence[int]) -> Sequence[Any]:
        return (await db.execute(_OF_POSTS, {"ids": list(post_ids)})).all()

    async def owned(self, db: AsyncSession, owner_id: uuid.UUID, purpose: str) -> Sequence[Any]:
        statement = select(*_COLUMNS).where(_files.c.owner_id == owner_id, _files.c.purpose == purpose)
        return (await db.execute(statement.order_by(_files.c.created_at.desc()))).all()

    async def icons(self, db: AsyncSession, sanctum_id: uuid.UUID) -> Sequence[Any]:
        statement = select(*_COLUMNS).where(_files.c.sanctum_id == sanctum_id, _files.c.purpose == "icon")
        return (await db.execute(statement.order_by(_files.c.created_at.desc()))).all()

    async def of_room(self, db: AsyncSession, room_id: uuid.UUID, limit: int) -> Sequence[Any]:
        """Up to `limit` of the files attached in a room's messages (rows stay after the room goes)."""
        statement = select(_files.c.id, _files.c.storage_key, _files.c.thumbnail_key)
        return (await db.execute(statement.where(_files.c.room_id == room_id).limit(limit))).all()

    async def keys_of_owner(self, db: AsyncSession, owner_id: uuid.UUID) -> list[str]:
        """Every stored object of an account's files, thumbnails included."""
        statement = select(_files.c.storage_key, _files.c.thumbnail_key).where(_files.c.owner_id == owner_id)
        return [key for row in (await db.execute(statement)).all() for key in row if key is not None]

    async def delete(self, db: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
        if ids:
            await db.execute(delete(_files).where(_files.c.id.in_(list(ids))))
