"""Rooms: create, directory, DMs, join, leave, invite, members, and the caller's room list.

A read is one reader; a change is one unit of work that checks access, changes the rows and emits the
room's events, then (after commit) forgets the caches it made stale and revokes live subscriptions it
took away. What a change returns is read afterwards in a fresh reader, so it shows the committed state.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import partial

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import Conflict, ErrorCode, Forbidden, NotFound, QuotaExceeded, ValidationFailed
from sanctum.core.pagination import NameCursor, decode_cursor, encode_cursor
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.blocks import cannot_contact
from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import ChatCaches, RoomAccess, RoomRecord, emit_room_added
from sanctum.domains.chat.held_mutes import take_held_mute
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.models import Message, Room, RoomMember, dm_key, dm_members
from sanctum.domains.chat.moderation import with_moderation
from sanctum.domains.chat.notices import dm_receipts
from sanctum.domains.chat.repository import ChatRepository, Membership
from sanctum.domains.chat.sanctum_rooms import room_changed
from sanctum.domains.chat.schemas import (
    Member,
    MemberList,
    MyRoom,
    MyRooms,
    ReceiptState,
    RoomCreate,
    RoomDirectory,
    RoomRead,
    RoomSummary,
    RoomUpdate,
)
from sanctum.domains.roles.permissions import Permission
from sanctum.realtime.publisher import Publisher
from sanctum.settings import QuotaSettings


def _not_a_sanctum_room(record: RoomRecord) -> None:
    """A sanctum's rooms have exactly the sanctum's members: people join, leave and are added there."""
    if record.sanctum is not None:
        raise Conflict(
            "This is a sanctum's room: join, leave or add people through the sanctum.", code=ErrorCode.SANCTUM_ROOM
        )


class RoomService:
    def __init__(
        self,
        db: Database,
        access: RoomAccess,
        caches: ChatCaches,
        accounts: AccountService,
        messages: MessageService,
        publisher: Publisher,
        quotas: QuotaSettings,
    ) -> None:
        self._quotas = quotas
        self._db = db
        self._access = access
        self._caches = caches
        self._accounts = accounts
        self._messages = messages
        self._publisher = publisher
        self._repo = ChatRepository()

    # -- reading ------------------------------------------------------------------------------

    async def get(self, actor: Actor, room_id: uuid.UUID, *, fresh: bool = False) -> RoomRead:
        """The room as the caller sees it; `fresh` right after a change (not from a lagging replica)."""
        async with self._db.reader(fresh=fresh) as db:
            record, member = await self._access.visible(db, actor.id, room_id)
            room = await self._repo.room(db, room_id)
            if room is None:
                raise NotFound("No such room.", code=ErrorCode.ROOM_NOT_FOUND)
            receipts = await dm_receipts(db, record, actor.id)
            read = await self._read(db, record, room.last_activity_at, actor.id, member, receipts)
            await with_moderation(db, self._access, actor, record, member, read)
            return read

    async def _read(
        self,
        db: AsyncSession,
        record: RoomRecord,
        last_activity: datetime,
        viewer: uuid.UUID,
        member: RoomMember | Membership | None,
        receipts: list[ReceiptState] | None = None,
        people: dict[uuid.UUID, PublicUser] | None = None,
    ) -> RoomRead:
        dm_user = None
        name = record.name
        if record.kind == "dm":
            other = next((u for u in record.dm_user_ids if u != viewer), None)
            if other is not None:
                found = people if people is not None else await self._accounts.public_users(db, [other])
                dm_user = found.get(other)
            name = dm_user.display_name if dm_user is not None else "Deleted user"
        return RoomRead(
            id=record.id,
            kind=record.kind,
            name=name,
            topic=record.topic,
            description=record.description,
            sanctum_id=record.sanctum_id,
            channel_of=record.channel_of,
            position=record.position,
            member_count=record.member_count,
            created_at=record.created_at,
            last_activity_at=last_activity,
            dm_user=dm_user,
            my_role=member.role if member is not None else None,
            slow_mode_seconds=record.slow_mode_seconds,
            system_messages_unread=record.system_messages_unread,
            last_read_message_id=member.last_read_message_id if member is not None else None,
            receipts=receipts or [],
        )

    async def directory(self, q: str | None, cursor: str | None, limit: int) -> RoomDirectory:
        if q is not None and "\x00" in q:
            raise ValidationFailed(fields={"q": "must not contain NUL characters"})
        found = decode_cursor(cursor, NameCursor) if cursor else None
        after = (found.n, str(found.i)) if found is not None else None
        version = await self._caches.directory_version()
        key = self._caches.directory.key(f"v{version}", limit, (q or "").lower(), cursor or "")

        async def load() -> RoomDirectory:
            async with self._db.reader() as db:
                rooms = await self._repo.directory(db, q, after, limit + 1)
            more = len(rooms) > limit
            rooms = rooms[:limit]
            items = [
                RoomSummary(
                    id=r.id,
                    kind=r.kind,
                    name=r.name,
                    topic=r.topic,
                    member_count=r.member_count,
                    created_at=r.created_at,
                )
                for r in rooms
            ]
            last = rooms[-1] if rooms else None
            next_cursor = encode_cursor(NameCursor(n=last.name, i=last.id)) if more and last else None
            return RoomDirectory(items=items, next_cursor=next_cursor)

        return await self._caches.directory.get_or_load(key, load)

    async def my_rooms(self, actor: Actor) -> MyRooms:
        async def load() -> MyRooms:
            async with self._db.reader() as db:
                return MyRooms(items=await self._my_rooms(db, actor.id, await self._repo.my_rooms(db, actor.id)))

        return await self._caches.my_rooms.get_or_load(self._caches.my_rooms.key(actor.id), load)

    async def unread_rooms(self, db: AsyncSession, user_id: uuid.UUID, limit: int) -> list[MyRoom]:
        """For Home, in the caller's session: the rooms and DMs with unread messages, latest activity first."""
        rows = [row for row in await self._repo.my_rooms(db, user_id) if row[3] > 0][:limit]
        return await self._my_rooms(db, user_id, rows)

    async def _my_rooms(
        self, db: AsyncSession, user_id: uuid.UUID, rows: list[tuple[Room, RoomMember, Message | None, int]]
    ) -> list[MyRoom]:
        lasts = [last for _, _, last, _ in rows if last is not None]
        # The list is cached per user, so it can say which reactions are the caller's.
        serialized = {m.id: m for m in await self._messages.serialize(db, lasts, user_id)}
        dm_people = {u for room, _, _, _ in rows if room.kind == "dm" for u in dm_members(room)}
        people = await self._accounts.public_users(db, dm_people)
        items = []
        for room, member, last, unread in rows:
            record = RoomRecord.of(room, dm_members(room) if room.kind == "dm" else None)
            read = await self._read(db, record, room.last_activity_at, user_id, member, people=people)
            last_message = serialized.get(last.id) if last is not None else None
            items.append(MyRoom(room=read, unread_count=unread, last_message=last_message))
        return items

    async def members(self, actor: Actor, room_id: uuid.UUID, *, fresh: bool = False) -> MemberList:
        async with self._db.reader(fresh=fresh) as db:
            await self._access.visible(db, actor.id, room_id)
            rows = await self._repo.members(db, room_id)
            people = await self._accounts.public_users(db, (m.user_id for m in rows))
        return MemberList(
            items=[
                Member(user=people[m.user_id], role=m.role, joined_at=m.joined_at) for m in rows if m.user_id in people
            ]
        )

    # -- for the invites domain, in the caller's session ----------------------------------------

    async def invitable(self, db: AsyncSession, actor: Actor, room_id: uuid.UUID) -> RoomRecord:
        """A private room the caller may manage (`room.manage`): the rooms an invite link may lead into."""
        record, member = await self._access.as_member(db, actor.id, room_id)
        _not_a_sanctum_room(record)
        if record.kind != "private":
            raise Conflict("Only a private room takes invite links.", code=ErrorCode.ROOM_NOT_PRIVATE)
        await self._access.require(db, actor, Permission.ROOM_MANAGE, record, member)
        return record

    async def record(self, db: AsyncSession, room_id: uuid.UUID) -> RoomRecord | None:
        return await self._access.record(db, room_id)

    async def is_member(self, db: AsyncSession, room_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        return await self._access.member(db, room_id, user_id) is not None

    async def admit(self, db: UnitOfWork, actor: Actor, room_id: uuid.UUID) -> None:
        """The caller joins through an invite link, in the caller's unit of work."""
        await self._add_member(db, actor, room_id, actor.id, f"{actor.user.display_name} joined with an invite link")

    # -- changing -----------------------------------------------------------------------------

    async def create(self, actor: Actor, data: RoomCreate) -> RoomRead:
        invited = [u for u in dict.fromkeys(data.member_ids) if u != actor.id]
        group_limit = self._quotas.group_members
        if data.kind == "group" and len(invited) + 1 > group_limit:
            raise ValidationFailed(fields={"member_ids": f"a group has at most {group_limit} people"})
        now = utcnow()
        room = Room(
            id=uuid.uuid4(),
            kind=data.kind,
            name=data.name,
            topic=data.topic,
            description=data.description,
            created_by=actor.id,
            member_count=1 + len(invited),
            last_activity_at=now,
            created_at=now,
            updated_at=now,
        )
        async with self._db.writer() as db:
            await self._within_quota(db, actor, data.kind)
            if invited:
                found = await self._accounts.public_users(db, invited)
                missing = [str(u) for u in invited if u not in found]
                if missing:
                    raise ValidationFailed(fields={"member_ids": f"unknown users: {', '.join(missing)}"})
                if await self._messages.blocks.apart_from_any(db, actor.id, invited):
                    raise cannot_contact()
            db.add(room)
            db.add(RoomMember(room_id=room.id, user_id=actor.id, role="owner", joined_at=now))
            for user_id in invited:
                db.add(RoomMember(room_id=room.id, user_id=user_id, role="member", joined_at=now))
            await db.flush()
            await self._messages.post_system(db, room, actor, f"{actor.user.display_name} created the room")
            for user_id in invited:
                await emit_room_added(db, self._caches, user_id, room.id)
            if room.kind == "public":
                db.after_commit(self._caches.bump_directory)
            db.after_commit(partial(self._caches.forget_room_lists, [actor.id, *invited]))
            member = RoomMember(room_id=room.id, user_id=actor.id, role="owner", joined_at=now, last_read_message_id=0)
            return await self._read(db, RoomRecord.of(room), room.last_activity_at, actor.id, member)

    async def _within_quota(self, db: AsyncSession, actor: Actor, kind: str) -> None:
        quota, limit, kinds = (
            ("groups_per_account", self._quotas.groups_per_account, ("group",))
            if kind == "group"
            else ("rooms_per_account", self._quotas.rooms_per_account, ("public", "private"))
        )
        if await self._repo.rooms_owned(db, actor.id, kinds) >= limit:
            what = "groups" if kind == "group" else "rooms"
            raise QuotaExceeded(quota, limit, f"You already own {limit} {what}; delete or hand one over first.")

    async def update(self, actor: Actor, room_id: uuid.UUID, data: RoomUpdate) -> RoomRead:
        changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
        async with self._db.writer() as db:
            record, member = await self._access.as_member(db, actor.id, room_id)
            if record.kind == "dm":
                raise Forbidden("A direct message has no name or topic to change.", code=ErrorCode.ROOM_IS_DM)
            await self._access.require(
                db,
                actor,
                Permission.ROOM_MANAGE,
                record,
                member,
                message="Only the owner or a moderator can change the room.",
            )
            room = await self._repo.room_for_update(db, room_id)
            if room is None:
                raise NotFound("No such room.", code=ErrorCode.ROOM_NOT_FOUND)
            for name, value in changes.items():
                setattr(room, name, value)
            room.updated_at = utcnow()
            await db.emit(ev.room_topic(room_id), ev.ROOM_UPDATED, room_changed(room))
            db.after_commit(partial(self._caches.forget_room, room_id))
            if record.kind == "public":
                db.after_commit(self._caches.bump_directory)
            await self._forget_lists(db, room_id)
        return await self.get(actor, room_id, fresh=True)

    async def join(self, actor: Actor, room_id: uuid.UUID) -> RoomRead:
        try:
            async with self._db.writer() as db:
                record, member = await self._access.visible(db, actor.id, room_id)
                if member is None:
                    _not_a_sanctum_room(record)
                    if record.kind != "public":
                        raise NotFound("No such room.", code=ErrorCode.ROOM_NOT_FOUND)
                    await self._add_member(db, actor, room_id, actor.id, f"{actor.user.display_name} joined the room")
        except IntegrityError:
            pass  # joined concurrently: already a member, which is what was asked
        return await self.get(actor, room_id, fresh=True)

    async def invite(self, actor: Actor, room_id: uuid.UUID, user_id: uuid.UUID) -> MemberList:
        try:
            async with self._db.writer() as db:
                record, member = await self._access.as_member(db, actor.id, room_id)
                if record.kind == "dm":
                    raise Forbidden("Start a group to talk with more people.", code=ErrorCode.ROOM_IS_DM)
                _not_a_sanctum_room(record)
                if record.kind == "private":
                    await self._access.require(
                        db,
                        actor,
                        Permission.ROOM_MANAGE,
                        record,
                        member,
                        message="Only the owner or a moderator can invite to a private room.",
                    )
                invitee = (await self._accounts.public_users(db, [user_id])).get(user_id)
                if invitee is None:
                    raise NotFound("No such user.", code=ErrorCode.USER_NOT_FOUND)
                await self._messages.blocks.refuse_between(db, actor.id, user_id)
                if await self._access.member(db, room_id, user_id) is None:
                    text = f"{actor.user.display_name} added {invitee.display_name}"
                    await self._add_member(db, actor, room_id, user_id, text)
        except IntegrityError:
            pass  # added concurrently: already a member, which is what was asked
        return await self.members(actor, room_id, fresh=True)

    async def _add_member(
        self, db: UnitOfWork, actor: Actor, room_id: uuid.UUID, user_id: uuid.UUID, text: str
    ) -> None:
        room = await self._repo.room_for_update(db, room_id)
        if room is None:
            raise NotFound("No such room.", code=ErrorCode.ROOM_NOT_FOUND)
        # Checked under the room's lock: concurrent invites cannot overfill a group.
        if room.kind == "group" and room.member_count >= self._quotas.group_members:
            raise Conflict(f"A group has at most {self._quotas.group_members} people.", code=ErrorCode.ROOM_FULL)
        # History from before joining is not "unread" for the newcomer.
        watermark = room.last_message_id or 0
        db.add(
            RoomMember(
                room_id=room_id,
                user_id=user_id,
                role="member",
                joined_at=utcnow(),
                last_read_message_id=watermark,
                last_delivered_message_id=watermark,
                muted_until=await take_held_mute(db, room_id, user_id),
            )
        )
        room.member_count += 1
        await db.flush()
        await db.emit(ev.room_topic(room_id), ev.MEMBER_JOINED, ev.MemberChanged(user_id=user_id))
        await self._messages.post_system(db, room, actor, text)
        if user_id != actor.id:
            await emit_room_added(db, self._caches, user_id, room_id)
        await self._after_membership(db, room_id, room.kind, [user_id])

    async def leave(self, actor: Actor, room_id: uuid.UUID) -> None:
        async with self._db.writer() as db:
            record, member = await self._access.as_member(db, actor.id, room_id)
            if record.kind == "dm":
                raise Forbidden("You can't leave a direct message.", code=ErrorCode.ROOM_IS_DM)
            _not_a_sanctum_room(record)
            room = await self._repo.room_for_update(db, room_id)
            if room is None or not await self._repo.remove_member(db, room_id, actor.id):
                raise NotFound("No such room.", code=ErrorCode.ROOM_NOT_FOUND)
            room.member_count = max(0, room.member_count - 1)
            if member.role == "owner":
                heir = await self._repo.successor(db, room_id)
                if heir is not None:
                    heir.role = "owner"
            await db.emit(ev.room_topic(room_id), ev.MEMBER_LEFT, ev.MemberChanged(user_id=actor.id))
            await db.emit(f"user:{actor.id}", ev.ROOM_REMOVED, ev.RoomAdded(room_id=room_id))
            await self._messages.post_system(db, room, actor, f"{actor.user.display_name} left the room")
            await self._after_membership(db, room_id, record.kind, [actor.id])
            # After the caches that authorize subscriptions forgot the membership: the user's open
            # sockets, on every instance, stop receiving the room.
            db.after_commit(partial(self._publisher.access_changed, ev.room_topic(room_id), actor.id))

    async def _after_membership(self, db: UnitOfWork, room_id: uuid.UUID, kind: str, changed: list[uuid.UUID]) -> None:
        db.after_commit(partial(self._caches.forget_room, room_id))
        db.after_commit(partial(self._caches.bump_history, room_id))
        if kind == "public":
            db.after_commit(self._caches.bump_directory)
        await self._forget_lists(db, room_id, changed)

    async def _forget_lists(self, db: UnitOfWork, room_id: uuid.UUID, extra: Iterable[uuid.UUID] = ()) -> None:
        """After commit, every member's room list (and `extra` people's) is read afresh."""
        members = await self._repo.member_ids(db, room_id)
        db.after_commit(partial(self._caches.forget_room_lists, [*members, *extra]))

    async def open_dm(self, actor: Actor, other_id: uuid.UUID) -> tuple[RoomRead, bool]:
        if other_id == actor.id:
            raise ValidationFailed(fields={"user_id": "must be someone else"})
        key = dm_key(actor.id, other_id)
        async with self._db.reader() as db:
            if other_id not in await self._accounts.public_users(db, [other_id]):
                raise NotFound("No such user.", code=ErrorCode.USER_NOT_FOUND)
            existing = await self._repo.dm_room(db, key)
            if existing is None:  # an old conversation still opens (to read it); sending is refused
                await self._messages.blocks.refuse_between(db, actor.id, other_id)
        if existing is not None:
            return await self.get(actor, existing.id), False
        now = utcnow()
        room = Room(
            id=uuid.uuid4(),
            kind="dm",
            name="",
            dm_key=key,
            created_by=actor.id,
            member_count=2,
            last_activity_at=now,
            created_at=now,
            updated_at=now,
        )
        try:
            async with self._db.writer() as db:
                db.add(room)
                await db.flush()
                mine = RoomMember(room_id=room.id, user_id=actor.id, role="member", joined_at=now)
                db.add(mine)
                db.add(RoomMember(room_id=room.id, user_id=other_id, role="member", joined_at=now))
                await db.flush()
                await emit_room_added(db, self._caches, other_id, room.id)
                db.after_commit(partial(self._caches.forget_room_lists, [actor.id, other_id]))
                record = RoomRecord.of(room, [actor.id, other_id])
                receipts = await dm_receipts(db, record, actor.id)
                return await self._read(db, record, now, actor.id, mine, receipts), True
        except IntegrityError:
            async with self._db.reader(fresh=True) as db:
                existing = await self._repo.dm_room(db, key)
            if existing is None:
                raise
            return await self.get(actor, existing.id, fresh=True), False
