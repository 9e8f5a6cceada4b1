"""Loading and authorizing rooms, and the chat caches.

Caches (cache-aside, TTL = the stale bound if an invalidation is lost, e.g. while Redis is down):

| cache | key | TTL | invalidated by |
| --- | --- | --- | --- |
| room metadata | room:{id} | 10 min (near: 1 min) | room update, join, leave, channel order, deletion |
| public directory | directory:v{n}:{query}:{cursor} | 2 min | version bump on public room create, update, join, leave |
| a user's room list | myrooms:{user} | 2 min | delete for every member on message create/delete, join/leave; own read |
| newest history page | history:{room}:v{n}:{limit} | 2 min | per-room version bump on any message, reaction or edit |

Membership is never cached: losing access takes effect on the next request.

Room records are read by every send, history read and subscription, so each instance keeps decoded
copies too (a near cache, cache/local.py): `forget_room` forgets them on every instance through the
invalidation bus in the same call that deletes the shared entry, so a change is seen at once
everywhere; while the bus is cut from Redis the copies are bypassed, and one that a lost message left
behind lives at most ROOM_NEAR_TTL_SECONDS.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial
from typing import NamedTuple

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.cache import Cache, CachedJson
from sanctum.cache.local import InvalidationBus
from sanctum.core.errors import ErrorCode, Forbidden, NotFound
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import Actor
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.models import Room
from sanctum.domains.chat.repository import ChatRepository, Membership
from sanctum.domains.chat.schemas import MessagePage, MyRooms, RoomDirectory
from sanctum.domains.roles.permissions import Permission
from sanctum.domains.roles.service import Authorizer, Scope, in_room

ROOM_NEAR_TTL_SECONDS = 60.0


class RoomRecord(BaseModel):
    """What is cached of a room: everything but its activity time."""

    id: uuid.UUID
    kind: str
    name: str
    topic: str
    description: str
    sanctum_id: uuid.UUID | None
    channel_of: uuid.UUID | None = None
    position: int = 0
    member_count: int
    created_at: datetime
    dm_user_ids: list[uuid.UUID] = []
    slow_mode_seconds: int = 0
    system_messages_unread: bool = False

    @property
    def sanctum(self) -> uuid.UUID | None:
        """The sanctum this room belongs to (its main room or one of its channels)."""
        return self.sanctum_id or self.channel_of

    @classmethod
    def of(cls, room: Room, dm_user_ids: list[uuid.UUID] | None = None) -> RoomRecord:
        return cls(
            id=room.id,
            kind=room.kind,
            name=room.name,
            topic=room.topic,
            description=room.description,
            sanctum_id=room.sanctum_id,
            channel_of=room.channel_of,
            position=room.position,
            member_count=room.member_count,
            created_at=room.created_at,
            dm_user_ids=dm_user_ids or [],
            slow_mode_seconds=room.slow_mode_seconds,
            system_messages_unread=room.system_messages_unread,
        )


class ReadableRoom(NamedTuple):
    id: uuid.UUID
    kind: str
    name: str
    dm_user_ids: list[uuid.UUID]


class ChatCaches:
    def __init__(self, cache: Cache, bus: InvalidationBus | None = None) -> None:
        self.cache = cache
        self.room = CachedJson(
            cache, "room", RoomRecord, 600, near=bus, near_ttl_seconds=ROOM_NEAR_TTL_SECONDS, near_entries=10_000
        )
        self.directory = CachedJson(cache, "directory", RoomDirectory, 120)
        self.my_rooms = CachedJson(cache, "myrooms", MyRooms, 120)
        # Keyed by the room's history version: a near copy is safe (cache/base.py).
        self.history = CachedJson(cache, "history", MessagePage, 120, near=bus)

    async def history_version(self, room_id: uuid.UUID) -> int:
        return await self.cache.get_version(f"history:{room_id}")

    async def bump_history(self, room_id: uuid.UUID) -> None:
        await self.cache.bump_version(f"history:{room_id}")

    async def directory_version(self) -> int:
        return await self.cache.get_version("directory")

    async def bump_directory(self) -> None:
        await self.cache.bump_version("directory")

    async def forget_room(self, room_id: uuid.UUID) -> None:
        await self.room.invalidate(self.room.key(room_id))

    async def forget_room_lists(self, user_ids: list[uuid.UUID]) -> None:
        await self.my_rooms.invalidate(*(self.my_rooms.key(u) for u in user_ids))


async def emit_room_added(db: UnitOfWork, caches: ChatCaches, user_id: uuid.UUID, room_id: uuid.UUID) -> None:
    """Tell someone, on their own topic, that they are now in a room they did not join themselves.

    Their cached room list is forgotten first (hooks and events run in the order they were added): the
    client refetches its list as soon as the event arrives, and must not get the list from before."""
    db.after_commit(partial(caches.forget_room_lists, [user_id]))
    await db.emit(f"user:{user_id}", ev.ROOM_ADDED, ev.RoomAdded(room_id=room_id))


class RoomAccess:
    """`access_room(actor, id)`: load a room and decide what the caller may do with it, in the caller's
    session (`is_member` alone, asked by the hub on subscribe, is a use case of its own).

    What a member may do is asked of the one authorization function (`Authorizer`, domains/roles) with
    the role the membership read already returned: a sanctum's room is in the sanctum's scope."""

    def __init__(self, db: Database, caches: ChatCaches, authz: Authorizer) -> None:
        self._db = db
        self._caches = caches
        self._authz = authz
        self._repo = ChatRepository()

    @staticmethod
    def scope(record: RoomRecord, member: Membership | None) -> Scope:
        return in_room(record.id, record.sanctum, member.role if member is not None else None)

    async def allows(
        self, db: AsyncSession, actor: Actor, permission: Permission, record: RoomRecord, member: Membership | None
    ) -> bool:
        return await self._authz.allows(db, actor, permission, self.scope(record, member))

    async def require(
        self,
        db: AsyncSession,
        actor: Actor,
        permission: Permission,
        record: RoomRecord,
        member: Membership | None,
        *,
        code: ErrorCode = ErrorCode.NOT_MODERATOR,
        message: str | None = None,
    ) -> None:
        await self._authz.require(db, actor, permission, self.scope(record, member), code=code, message=message)

    async def permissions(
        self, db: AsyncSession, actor: Actor, record: RoomRecord, member: Membership | None
    ) -> list[str]:
        """What the caller may do here, for the web app to show only the controls the API allows."""
        if record.kind == "dm":
            return []
        return sorted(p.value for p in await self._authz.permissions(db, actor, self.scope(record, member)))

    async def record(self, db: AsyncSession, room_id: uuid.UUID) -> RoomRecord | None:
        async def load() -> RoomRecord:
            room = await self._repo.room(db, room_id)
            if room is None:
                raise NotFound("No such room.", code=ErrorCode.ROOM_NOT_FOUND)
            dm_users = await self._repo.member_ids(db, room_id) if room.kind == "dm" else None
            return RoomRecord.of(room, dm_users)

        try:
            return await self._caches.room.get_or_load(self._caches.room.key(room_id), load)
        except NotFound:
            return None

    async def sanctum_in(self, db: AsyncSession, room_id: uuid.UUID) -> uuid.UUID | None:
        """The sanctum a room belongs to, if any (the preferences service's mutes by sanctum)."""
        record = await self.record(db, room_id)
        return record.sanctum if record is not None else None

    async def member(self, db: AsyncSession, room_id: uuid.UUID, user_id: uuid.UUID) -> Membership | None:
        return await self._repo.membership(db, room_id, user_id)

    async def visible(
        self, db: AsyncSession, user_id: uuid.UUID, room_id: uuid.UUID
    ) -> tuple[RoomRecord, Membership | None]:
        """The room if the caller may see it (public, or a member); 404 otherwise, revealing nothing."""
        record = await self.record(db, room_id)
        if record is None:
            raise NotFound("No such room.", code=ErrorCode.ROOM_NOT_FOUND)
        member = await self.member(db, room_id, user_id)
        if member is None and record.kind != "public":
            raise NotFound("No such room.", code=ErrorCode.ROOM_NOT_FOUND)
        return record, member

    async def as_member(
        self, db: AsyncSession, user_id: uuid.UUID, room_id: uuid.UUID
    ) -> tuple[RoomRecord, Membership]:
        record, member = await self.visible(db, user_id, room_id)
        if member is None:
            raise Forbidden("Join the room first.", code=ErrorCode.NOT_A_MEMBER)
        return record, member

    async def readable(self, db: AsyncSession, user_id: uuid.UUID) -> list[ReadableRoom]:
        """The rooms and DMs the user reads now, as a member (for search, in the caller's session)."""
        return [
            ReadableRoom(room_id, kind, name, [uuid.UUID(u) for u in dm_key.split(":")] if dm_key else [])
            for room_id, kind, name, dm_key in await self._repo.rooms_of(db, user_id)
        ]

    async def sanctum_of(self, room_id: uuid.UUID) -> uuid.UUID | None:
        """The sanctum whose main room or channel this is, if any (a use case of its own, for the hub)."""
        async with self._db.reader() as db:
            record = await self.record(db, room_id)
        return record.sanctum if record is not None else None

    async def is_member(self, user_id: uuid.UUID, room_id: uuid.UUID) -> bool:
        async with self._db.reader() as db:
            return await self.member(db, room_id, user_id) is not None
