"""Mutes that outlive leaving; no commits.

A mute is a column of the member's row, so a send checks it with the row it reads anyway. Leaving
deletes that row; so that leaving and rejoining does not shed a mute, `ChatRepository.remove_member`
keeps a mute still running as a held mute (`hold_mute`) and every way back in (joining, being added, a
sanctum's rooms on rejoining it) takes it again (`take_held_mute`). An unmute lifts held ones too.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import as_utc, utcnow
from sanctum.db.base import table_of
from sanctum.db.dialect import insert_for
from sanctum.domains.chat.models import HeldMute

_held = table_of(HeldMute)


async def hold_mute(db: AsyncSession, room_id: uuid.UUID, user_id: uuid.UUID, until: datetime | None) -> None:
    """Keep a mute still running for when the member who leaves comes back."""
    if until is None or as_utc(until) <= utcnow():
        return
    stmt = insert_for(db, _held).values(room_id=room_id, user_id=user_id, until=until)
    keys = [_held.c.room_id, _held.c.user_id]
    await db.execute(stmt.on_conflict_do_update(index_elements=keys, set_={"until": until}))


async def take_held_mute(db: AsyncSession, room_id: uuid.UUID, user_id: uuid.UUID) -> datetime | None:
    """The mute held for someone (re)joining the room, if it still runs; the hold is gone either way."""
    query = delete(_held).where(_held.c.room_id == room_id, _held.c.user_id == user_id).returning(_held.c.until)
    until = (await db.execute(query)).scalar_one_or_none()
    return until if until is not None and as_utc(until) > utcnow() else None


async def release_held_mutes(db: AsyncSession, room_ids: list[uuid.UUID], user_id: uuid.UUID) -> None:
    await db.execute(delete(_held).where(_held.c.room_id.in_(room_ids), _held.c.user_id == user_id))
