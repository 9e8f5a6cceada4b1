"""A sanctum's main chat room, driven by the sanctums service.

The sanctums service creates the room and changes its members inside its own unit of work (so the
sanctum and its room commit or roll back together), then calls `after_sanctum_change` after commit.
The room is private and holds exactly the sanctum's members with their sanctum roles; the chat API
refuses to join, leave or invite into it (`SANCTUM_ROOM`).
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.db.database import Database
from sanctum.domains.accounts.service import Actor
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import ChatCaches
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.models import Room, RoomMember
from sanctum.domains.chat.repository import ChatRepository
from sanctum.realtime.eventlog import append_event
from sanctum.realtime.gateway import Gateway
from sanctum.realtime.protocol import Event


class SanctumRooms:
    def __init__(self, db: Database, caches: ChatCaches, messages: MessageService, gateway: Gateway) -> None:
        self._db = db
        self._caches = caches
        self._messages = messages
        self._gateway = gateway
        self._repo = ChatRepository()

    async def create_sanctum_room(
        self, db: AsyncSession, actor: Actor, sanctum_id: uuid.UUID, name: str, description: str
    ) -> tuple[uuid.UUID, list[Event]]:
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
        return room.id, await self._messages.post_system(db, room, actor, f"{actor.user.display_name} created the room")

    async def sync_sanctum_member(
        self, db: AsyncSession, sanctum_id: uuid.UUID, user_id: uuid.UUID, role: str | None
    ) -> list[Event]:
        """Make the sanctum room's membership of `user_id` match: `role`, or out of the room when None."""
        room = await self._repo.sanctum_room_for_update(db, sanctum_id)
        if room is None:
            return []
        member = await self._repo.member(db, room.id, user_id)
        topic = ev.room_topic(room.id)
        if role is None:
            if member is None or not await self._repo.remove_member(db, room.id, user_id):
                return []
            room.member_count = max(0, room.member_count - 1)
            return [await append_event(db, topic, ev.MEMBER_LEFT, {"user_id": str(user_id)})]
        if member is not None:
            member.role = role
            return []
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
        return [
            await append_event(db, topic, ev.MEMBER_JOINED, {"user_id": str(user_id)}),
            await append_event(db, f"user:{user_id}", ev.ROOM_ADDED, {"room_id": str(room.id)}),
        ]

    async def rename_sanctum_room(self, db: AsyncSession, sanctum_id: uuid.UUID, name: str) -> list[Event]:
        room = await self._repo.sanctum_room_for_update(db, sanctum_id)
        if room is None or room.name == name:
            return []
        room.name = name
        room.updated_at = utcnow()
        data = {"id": str(room.id), "name": room.name, "topic": room.topic, "description": room.description}
        return [await append_event(db, ev.room_topic(room.id), ev.ROOM_UPDATED, data)]

    async def sanctum_room_ids(self, sanctum_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        async with self._db.reader() as db:
            return await self._repo.sanctum_room_ids(db, sanctum_ids)

    async def after_sanctum_change(self, room_id: uuid.UUID, events: list[Event], changed: list[uuid.UUID]) -> None:
        """After the sanctum's commit: publish the room's events and forget what they made stale."""
        for event in events:
            await self._gateway.publish(event)
        await self._caches.forget_room(room_id)
        async with self._db.reader() as db:
            members = await self._repo.member_ids(db, room_id)
        await self._caches.forget_room_lists([*members, *changed])
