"""A sanctum's main chat room, driven by the sanctums service.

The sanctums service creates the room and changes its members inside its own unit of work (so the
sanctum and its room commit or roll back together); each change here emits the room's events and
registers, on that unit of work, what must follow its commit: the room's caches and its members' room
lists forgotten (the sanctums service tells the gateway the sanctum's access changed, which covers
its room: a sanctum room's topic declares the sanctum as an access scope). The room is
private and holds exactly the sanctum's members with their sanctum roles; the chat API refuses to
join, leave or invite into it (`SANCTUM_ROOM`).
"""

from __future__ import annotations

import uuid
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import Actor
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import ChatCaches, emit_room_added
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.models import Room, RoomMember
from sanctum.domains.chat.repository import ChatRepository


def sanctum_scope(sanctum_id: uuid.UUID) -> str:
    """The access scope of a sanctum: its posts' topics and its rooms' topics declare it, and every
    change that can take away someone's right to read them (leaving, removal, turning private) is
    announced for it (`Publisher.access_changed`)."""
    return f"sanctum:{sanctum_id}"


class SanctumRooms:
    def __init__(self, caches: ChatCaches, messages: MessageService) -> None:
        self._caches = caches
        self._messages = messages
        self._repo = ChatRepository()

    async def create_sanctum_room(
        self, db: UnitOfWork, actor: Actor, sanctum_id: uuid.UUID, name: str, description: str
    ) -> uuid.UUID:
        """The sanctum's main room, owned by its founder, in the caller's transaction. It is private:
        only the sanctum's members are in it, kept in step by `sync_sanctum_member`."""
        now = utcnow()
        room = Room(
            id=uuid.uuid4(),
            kind="private",
            name=name,
            description=description,
            sanctum_id=sanctum_id,
            created_by=actor.id,
            member_count=1,
            last_activity_at=now,
            created_at=now,
            updated_at=now,
        )
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
        """Make the sanctum room's membership of `user_id` match: `role`, or out of the room when None."""
        room = await self._repo.sanctum_room_for_update(db, sanctum_id)
        if room is None:
            return
        member = await self._repo.member(db, room.id, user_id)
        topic = ev.room_topic(room.id)
        if role is None:
            if member is None or not await self._repo.remove_member(db, room.id, user_id):
                return
            room.member_count = max(0, room.member_count - 1)
            await db.emit(topic, ev.MEMBER_LEFT, ev.MemberChanged(user_id=user_id))
            await db.emit(f"user:{user_id}", ev.ROOM_REMOVED, ev.RoomAdded(room_id=room.id))
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
            )
        )
        room.member_count += 1
        await db.flush()
        await db.emit(topic, ev.MEMBER_JOINED, ev.MemberChanged(user_id=user_id))
        await emit_room_added(db, self._caches, user_id, room.id)
        await self._after_change(db, room.id, [user_id])

    async def rename_sanctum_room(self, db: UnitOfWork, sanctum_id: uuid.UUID, name: str) -> None:
        room = await self._repo.sanctum_room_for_update(db, sanctum_id)
        if room is None or room.name == name:
            return
        room.name = name
        room.updated_at = utcnow()
        changed = ev.RoomChanged(id=room.id, name=room.name, topic=room.topic, description=room.description)
        await db.emit(ev.room_topic(room.id), ev.ROOM_UPDATED, changed)
        await self._after_change(db, room.id, [])

    async def sanctum_room_ids(self, db: AsyncSession, sanctum_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        return await self._repo.sanctum_room_ids(db, sanctum_ids)

    async def _after_change(self, db: UnitOfWork, room_id: uuid.UUID, changed: list[uuid.UUID]) -> None:
        """After the sanctum's commit: forget the room and the room lists the change made stale."""
        members = await self._repo.member_ids(db, room_id)
        db.after_commit(partial(self._caches.forget_room, room_id))
        db.after_commit(partial(self._caches.forget_room_lists, [*members, *changed]))
