"""The queries of room moderation: pins and mutes; no commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.db.dialect import affected, insert_for
from sanctum.domains.chat.held_mutes import release_held_mutes
from sanctum.domains.chat.models import Message, Room, RoomMember, RoomPin

_pins, _members, _messages, _rooms = table_of(RoomPin), table_of(RoomMember), table_of(Message), table_of(Room)
_PINS = (
    select(_pins.c.message_id, _pins.c.pinned_by, _pins.c.pinned_at)
    .where(_pins.c.room_id == bindparam("room_id"))
    .order_by(_pins.c.pinned_at, _pins.c.message_id)
)


class ModerationRepository:
    async def pins(self, db: AsyncSession, room_id: uuid.UUID) -> list[tuple[int, uuid.UUID | None, datetime]]:
        """(message id, pinned by, pinned at) of the room's pins, oldest first."""
        return [(int(r[0]), r[1], r[2]) for r in (await db.execute(_PINS, {"room_id": room_id})).all()]

    async def pin_count(self, db: AsyncSession, room_id: uuid.UUID) -> int:
        query = select(func.count()).select_from(_pins).where(_pins.c.room_id == room_id)
        return int((await db.execute(query)).scalar_one())

    async def pin(self, db: AsyncSession, room_id: uuid.UUID, message_id: int, by: uuid.UUID, at: datetime) -> bool:
        values = {"room_id": room_id, "message_id": message_id, "pinned_by": by, "pinned_at": at}
        result = await db.execute(insert_for(db, _pins).values(**values).on_conflict_do_nothing())
        return bool(affected(result))

    async def unpin(self, db: AsyncSession, room_id: uuid.UUID, message_id: int) -> bool:
        query = delete(_pins).where(_pins.c.room_id == room_id, _pins.c.message_id == message_id)
        return bool(affected(await db.execute(query)))

    async def messages(self, db: AsyncSession, ids: list[int]) -> list[Message]:
        if not ids:
            return []
        found = {m.id: m for m in (await db.execute(select(Message).where(Message.id.in_(ids)))).scalars()}
        return [found[i] for i in ids if i in found]

    async def set_mute(
        self, db: AsyncSession, room_ids: list[uuid.UUID], user_id: uuid.UUID, until: datetime | None
    ) -> int:
        """Mute (or, with None, unmute) the member in these rooms; how many rows it changed."""
        if not room_ids:
            return 0
        query = (
            update(_members)
            .where(_members.c.room_id.in_(room_ids), _members.c.user_id == user_id)
            .values(muted_until=until)
        )
        changed = affected(await db.execute(query))
        if until is None:  # an unmute lifts the mute of rooms they are out of, too
            await release_held_mutes(db, room_ids, user_id)
        return changed
