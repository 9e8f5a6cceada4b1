"""A sanctum's rooms, its main room and its channels, driven by the sanctums service.

The sanctums service creates the room and changes its members inside its own unit of work (so the
sanctum and its room commit or roll back together); each change here emits the room's events and
registers, on that unit of work, what must follow its commit: the room's caches and its members' room
lists forgotten (the sanctums service tells the gateway the sanctum's access changed, which covers
its rooms: a sanctum room's topic declares the sanctum as an access scope). Every room of a sanctum is
private and holds exactly the sanctum's members with their sanctum roles; the chat API refuses to
join, leave or invite into one (`SANCTUM_ROOM`).

Channels are the sanctum's rooms besides its main room (`rooms.channel_of`; the main room stays the one
`rooms.sanctum_id` names, unique). Owners and moderators create and order them; a new channel starts
with every member of the main room, and every membership change applies to the main room and every
channel in the same unit of work, so losing the sanctum loses every channel at once, live events
included (the sanctum's access scope covers their topics).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import Actor
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import ChatCaches, emit_room_added
from sanctum.domains.chat.channel_repository import ChannelRepository
from sanctum.domains.chat.held_mutes import take_held_mute
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.models import Room, RoomMember
from sanctum.domains.chat.repository import ChatRepository
from sanctum.domains.chat.schemas import MAX_CHANNELS, ChannelCreate, ChannelRead


def sanctum_scope(sanctum_id: uuid.UUID) -> str:
    """The access scope of a sanctum: its posts' topics and its rooms' topics declare it, and every
    change that can take away someone's right to read them (leaving, removal, turning private) is
    announced for it (`Publisher.access_changed`)."""
    return f"sanctum:{sanctum_id}"


def room_changed(room: Room) -> ev.RoomChanged:
    """The `room.updated` event of a room as it is now."""
    return ev.RoomChanged(
        id=room.id,
        name=room.name,
        topic=room.topic,
        description=room.description,
        slow_mode_seconds=room.slow_mode_seconds,
    )


class SanctumRooms:
    def __init__(
        self,
        caches: ChatCaches,
        messages: MessageService,
        on_join: Callable[[UnitOfWork, uuid.UUID, uuid.UUID], None] | None = None,
    ) -> None:
        self._on_join = on_join
        self._caches = caches
        self._messages = messages
        self._repo = ChatRepository()
        self._channels = ChannelRepository()

    async def create_sanctum_room(
        self, db: UnitOfWork, actor: Actor, sanctum_id: uuid.UUID, name: str, description: str
    ) -> uuid.UUID:
        """The sanctum's main room, owned by its founder, in the caller's transaction. It is private:
        only the sanctum's members are in it, kept in step by `sync_sanctum_member`."""
        now = utcnow()
        room = _private_room(actor, now, name=name, description=description, sanctum_id=sanctum_id, member_count=1)
        db.add(room)
        await db.flush()
        db.add(RoomMember(room_id=room.id, user_id=actor.id, role="owner", joined_at=now))
        await db.flush()
        await self._messages.post_system(db, room, actor, f"{actor.user.display_name} created the room")
        db.after_commit(partial(self._caches.forget_room_lists, [actor.id]))
        return room.id

    async def sync_sanctum_member(
        self, db: UnitOfWork, sanctum_id: uuid.UUID, user_id: uuid.UUID, role: str | None
    ) -> None:
        """Make every room of the sanctum match for `user_id`: `role`, or out of them when None."""
        for room in await self._channels.rooms_for_update(db, sanctum_id):
            await self._sync_room(db, room, user_id, role)

    async def _sync_room(self, db: UnitOfWork, room: Room, user_id: uuid.UUID, role: str | None) -> None:
        member = await self._repo.member(db, room.id, user_id)
        topic = ev.room_topic(room.id)
        if role is None:
            if member is None or not await self._repo.remove_member(db, room.id, user_id):
                return
            room.member_count = max(0, room.member_count - 1)
            await db.emit(topic, ev.MEMBER_LEFT, ev.MemberChanged(user_id=user_id))
            await db.emit(f"user:{user_id}", ev.ROOM_REMOVED, ev.RoomAdded(room_id=room.id))
            if room.sanctum_id is not None:  # the main room says who came and went; channels stay quiet
                await self._messages.system_message(db, room.id, "left", user_id)
            await self._after_change(db, room.id, [user_id])
            return
        if member is not None:
            member.role = role
            await self._after_change(db, room.id, [])
            return
        watermark = room.last_message_id or 0
        db.add(
            RoomMember(
                room_id=room.id,
                user_id=user_id,
                role=role,
                joined_at=utcnow(),
                last_read_message_id=watermark,
                last_delivered_message_id=watermark,
                muted_until=await take_held_mute(db, room.id, user_id),
            )
        )
        room.member_count += 1
        await db.flush()
        await db.emit(topic, ev.MEMBER_JOINED, ev.MemberChanged(user_id=user_id))
        await emit_room_added(db, self._caches, user_id, room.id)
        if room.sanctum_id is not None:
            await self._messages.system_message(db, room.id, "joined", user_id)
            if self._on_join is not None:
                self._on_join(db, room.sanctum_id, user_id)
        await self._after_change(db, room.id, [user_id])

    # -- channels ---------------------------------------------------------------------------------

    async def channels(self, db: AsyncSession, sanctum_id: uuid.UUID) -> list[ChannelRead]:
        return [_channel(r, sanctum_id) for r in await self._channels.channels(db, sanctum_id)]

    async def create_channel(
        self, db: UnitOfWork, actor: Actor, sanctum_id: uuid.UUID, data: ChannelCreate
    ) -> ChannelRead:
        """A new room of the sanctum, last in order, holding every member of the sanctum."""
        rooms = await self._channels.rooms_for_update(db, sanctum_id)
        main = rooms[0] if rooms and rooms[0].sanctum_id is not None else None
        if main is None:
            raise NotFound("No such sanctum.", code=ErrorCode.SANCTUM_NOT_FOUND)
        if len(rooms) - 1 >= MAX_CHANNELS:
            raise Conflict(f"A sanctum has at most {MAX_CHANNELS} channels.", code=ErrorCode.TOO_MANY_CHANNELS)
        now = utcnow()
        position = await self._channels.next_position(db, sanctum_id)
        room = _private_room(actor, now, name=data.name, topic=data.topic, channel_of=sanctum_id, position=position)
        db.add(room)
        await db.flush()
        members = await self._channels.copy_members(db, main.id, room.id, now)
        room.member_count = len(members)
        await self._messages.post_system(db, room, actor, f"{actor.user.display_name} created the channel")
        for user_id in members:
            if user_id != actor.id:
                await db.emit(f"user:{user_id}", ev.ROOM_ADDED, ev.RoomAdded(room_id=room.id))
        db.after_commit(partial(self._caches.forget_room_lists, members))
        return _channel(room, sanctum_id)

    async def order_channels(self, db: UnitOfWork, sanctum_id: uuid.UUID, room_ids: list[uuid.UUID]) -> None:
        """Put the sanctum's channels in this order (every one of them, once)."""
        rooms = [r for r in await self._channels.rooms_for_update(db, sanctum_id) if r.channel_of == sanctum_id]
        if len(set(room_ids)) != len(room_ids) or set(room_ids) != {r.id for r in rooms}:
            raise ValidationFailed(fields={"room_ids": "must list every channel of the sanctum once"})
        await self._channels.set_positions(db, sanctum_id, room_ids)
        members = await self._repo.member_ids(db, rooms[0].id) if rooms else []
        ordered = ev.ChannelsOrdered(sanctum_id=sanctum_id, room_ids=room_ids)
        for user_id in members:  # every member's chat list reorders at once (a rare change)
            await db.emit(f"user:{user_id}", ev.CHANNELS_ORDERED, ordered)
        for room in rooms:
            db.after_commit(partial(self._caches.forget_room, room.id))
        db.after_commit(partial(self._caches.forget_room_lists, members))

    async def delete_channel(self, db: UnitOfWork, sanctum_id: uuid.UUID, room_id: uuid.UUID) -> None:
        """Delete one of the sanctum's channels with its messages (never the main room): every member gets
        `room.removed` on their own topic, in this unit of work, so their sidebars drop it at once."""
        rooms = await self._channels.rooms_for_update(db, sanctum_id)
        room = next((r for r in rooms if r.id == room_id and r.channel_of == sanctum_id), None)
        if room is None:
            raise NotFound("No such channel.", code=ErrorCode.ROOM_NOT_FOUND)
        members = await self._repo.member_ids(db, room.id)
        for user_id in members:
            await db.emit(f"user:{user_id}", ev.ROOM_REMOVED, ev.RoomAdded(room_id=room.id))
        await db.delete(room)
        await db.flush()
        self._messages.files.sweep.room_deleted(db, room.id)  # its messages' files, by a job
        db.after_commit(partial(self._caches.forget_room, room.id))
        db.after_commit(partial(self._caches.forget_room_lists, members))

    async def emoji_changed(self, db: UnitOfWork, sanctum_id: uuid.UUID, name: str, deleted: bool) -> None:
        """Every room of the sanctum hears that its custom emoji changed: its members' pickers reload them."""
        changed = ev.EmojiChanged(sanctum_id=sanctum_id, name=name, deleted=deleted)
        for room_id in await self._channels.room_ids(db, sanctum_id):
            await db.emit(ev.room_topic(room_id), ev.EMOJI_CHANGED, changed)

    async def rename_sanctum_room(self, db: UnitOfWork, sanctum_id: uuid.UUID, name: str) -> None:
        room = await self._repo.sanctum_room_for_update(db, sanctum_id)
        if room is None or room.name == name:
            return
        room.name = name
        room.updated_at = utcnow()
        await db.emit(ev.room_topic(room.id), ev.ROOM_UPDATED, room_changed(room))
        await self._after_change(db, room.id, [])

    async def sanctum_room_ids(self, db: AsyncSession, sanctum_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        return await self._repo.sanctum_room_ids(db, sanctum_ids)

    async def _after_change(self, db: UnitOfWork, room_id: uuid.UUID, changed: list[uuid.UUID]) -> None:
        """After the sanctum's commit: forget the room and the room lists the change made stale."""
        members = await self._repo.member_ids(db, room_id)
        db.after_commit(partial(self._caches.forget_room, room_id))
        db.after_commit(partial(self._caches.forget_room_lists, [*members, *changed]))


def _private_room(actor: Actor, now: datetime, **fields: Any) -> Room:
    """A new room of a sanctum: private (only the sanctum's members are in it), made by `actor`."""
    values: dict[str, Any] = {"description": "", "member_count": 0, **fields}
    return Room(
        id=uuid.uuid4(),
        kind="private",
        created_by=actor.id,
        last_activity_at=now,
        created_at=now,
        updated_at=now,
        **values,
    )


def _channel(room: Room, sanctum_id: uuid.UUID) -> ChannelRead:
    return ChannelRead(
        id=room.id,
        sanctum_id=sanctum_id,
        name=room.name,
        topic=room.topic,
        position=room.position,
        member_count=room.member_count,
        created_at=room.created_at,
    )
