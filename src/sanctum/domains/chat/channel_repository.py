"""The queries of a sanctum's rooms (its main room and its channels), and of `#room` links; no commits.

Index: rooms (channel_of, position) for a sanctum's channels; the main room by uq_rooms_sanctum_id.
A new channel's members are copied from the main room in one INSERT ... SELECT: the main room holds
exactly the sanctum's members with their roles, kept so by the sanctums service.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.domains.chat.models import Room, RoomMember

_rooms = table_of(Room)
_members = table_of(RoomMember)
_CHANNELS = (
    select(Room).where(Room.channel_of == bindparam("sanctum_id")).order_by(Room.position, Room.created_at, Room.id)
)
_ROOMS_FOR_UPDATE = (
    select(Room)
    .where(or_(Room.sanctum_id == bindparam("sanctum_id"), Room.channel_of == bindparam("sanctum_id")))
    .order_by(Room.position, Room.created_at, Room.id)
    .with_for_update()
)
_LAST_POSITION = select(func.max(Room.position)).where(Room.channel_of == bindparam("sanctum_id"))
_SET_POSITION = (
    update(_rooms)
    .where(_rooms.c.id == bindparam("b_room_id"), _rooms.c.channel_of == bindparam("b_sanctum_id"))
    .values(position=bindparam("place"))
)


class ChannelRepository:
    async def channels(self, db: AsyncSession, sanctum_id: uuid.UUID) -> list[Room]:
        return list((await db.execute(_CHANNELS, {"sanctum_id": sanctum_id})).scalars())

    async def room_ids(self, db: AsyncSession, sanctum_id: uuid.UUID) -> list[uuid.UUID]:
        """The sanctum's main room and its channels."""
        query = select(Room.id).where(or_(Room.sanctum_id == sanctum_id, Room.channel_of == sanctum_id))
        return list((await db.execute(query)).scalars())

    async def rooms_for_update(self, db: AsyncSession, sanctum_id: uuid.UUID) -> list[Room]:
        """The sanctum's main room and its channels, locked (the main room first: position 0)."""
        found = list((await db.execute(_ROOMS_FOR_UPDATE, {"sanctum_id": sanctum_id})).scalars())
        return sorted(found, key=lambda r: r.sanctum_id is None)

    async def next_position(self, db: AsyncSession, sanctum_id: uuid.UUID) -> int:
        last = (await db.execute(_LAST_POSITION, {"sanctum_id": sanctum_id})).scalar_one_or_none()
        return (last or 0) + 1

    async def copy_members(
        self, db: AsyncSession, from_room: uuid.UUID, to_room: uuid.UUID, at: datetime
    ) -> list[uuid.UUID]:
        """Every member of `from_room` into `to_room` with the same role, nothing unread; who they are."""
        source = select(
            literal(to_room, type_=_members.c.room_id.type).label("room_id"),
            _members.c.user_id,
            _members.c.role,
            literal(at, type_=_members.c.joined_at.type).label("joined_at"),
            literal(0).label("last_read_message_id"),
            literal(0).label("last_delivered_message_id"),
            _members.c.muted_until,  # a sanctum-wide mute holds in the new channel too
        ).where(_members.c.room_id == from_room)
        columns = [
            "room_id",
            "user_id",
            "role",
            "joined_at",
            "last_read_message_id",
            "last_delivered_message_id",
            "muted_until",
        ]
        await db.execute(_members.insert().from_select(columns, source))
        query = select(_members.c.user_id).where(_members.c.room_id == to_room)
        return list((await db.execute(query)).scalars())

    async def set_positions(self, db: AsyncSession, sanctum_id: uuid.UUID, room_ids: list[uuid.UUID]) -> None:
        values = [{"b_room_id": r, "b_sanctum_id": sanctum_id, "place": i + 1} for i, r in enumerate(room_ids)]
        if values:
            await db.execute(_SET_POSITION, values)

    async def rooms_named(
        self, db: AsyncSession, names: Sequence[str], sanctum_id: uuid.UUID | None
    ) -> list[tuple[uuid.UUID, str]]:
        """(id, name) of public rooms, and of the rooms of `sanctum_id`, whose lower-cased name is in `names`."""
        where = Room.kind == "public"
        if sanctum_id is not None:
            where = or_(where, Room.sanctum_id == sanctum_id, Room.channel_of == sanctum_id)
        query = select(Room.id, Room.name).where(func.lower(Room.name).in_(list(names)), where)
        return [(r[0], r[1]) for r in (await db.execute(query.order_by(Room.created_at, Room.id)))]
