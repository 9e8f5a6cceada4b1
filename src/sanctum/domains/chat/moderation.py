"""Moderating a room: deleting others' messages (`message.delete`), pins (`message.pin`) and mutes
(`user.mute`), each decided by the one authorization function and recorded in the audit log in the
same unit of work.

A message its author deletes shows as deleted; one a moderator deletes shows as removed by a moderator
(`removed_by_moderator`). Both stop serving its content at once, to history and to a resume alike.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core import clock
from sanctum.core.clock import as_utc, utcnow
from sanctum.core.errors import Conflict, ErrorCode, Forbidden, NotFound, ValidationFailed
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import Actor
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import RoomAccess, RoomRecord
from sanctum.domains.chat.channel_repository import ChannelRepository
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.moderation_repository import ModerationRepository
from sanctum.domains.chat.repository import ChatRepository
from sanctum.domains.chat.rows import Membership
from sanctum.domains.chat.schemas import MAX_PINS, MuteRead, PinList, PinRead, RoomRead
from sanctum.domains.chat.system_lines import SystemKind
from sanctum.domains.roles.permissions import Permission


def _duration(seconds: int) -> str:
    """How long a mute lasts, as its system line says it ("10 minutes", "2 hours", "1 day")."""
    for unit, size in (("day", 86400), ("hour", 3600)):
        if seconds % size == 0:
            return f"{seconds // size} {unit}{'' if seconds == size else 's'}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


async def with_moderation(
    db: AsyncSession, access: RoomAccess, actor: Actor, record: RoomRecord, member: Membership | None, read: RoomRead
) -> None:
    """Add to a room's detail what the caller may do there, until when they are muted, and its pins."""
    read.my_permissions = await access.permissions(db, actor, record, member)
    read.pinned_message_ids = [row[0] for row in await ModerationRepository().pins(db, record.id)]
    muted = as_utc(member.muted_until) if member is not None and member.muted_until is not None else None
    read.my_muted_until = muted if muted is not None and muted > clock.utcnow() else None


class ChatModeration:
    def __init__(self, db: Database, access: RoomAccess, messages: MessageService, audit: AuditLog) -> None:
        self._db = db
        self._access = access
        self._messages = messages
        self._audit = audit
        self._repo = ChatRepository()
        self._mod = ModerationRepository()
        self._channels = ChannelRepository()

    # -- pins -----------------------------------------------------------------------------------

    async def pins(self, actor: Actor, room_id: uuid.UUID) -> PinList:
        async with self._db.reader() as db:
            await self._access.visible(db, actor.id, room_id)
            return await self.pin_list(db, room_id, actor.id)

    async def pinned_ids(self, db: AsyncSession, room_id: uuid.UUID) -> list[int]:
        return [row[0] for row in await self._mod.pins(db, room_id)]

    async def pin_list(self, db: AsyncSession, room_id: uuid.UUID, viewer: uuid.UUID | None) -> PinList:
        rows = await self._mod.pins(db, room_id)
        reads = await self._messages.serialize(db, await self._mod.messages(db, [r[0] for r in rows]), viewer)
        by_id = {m.id: m for m in reads}
        return PinList(
            items=[PinRead(message=by_id[r[0]], pinned_by=r[1], pinned_at=r[2]) for r in rows if r[0] in by_id]
        )

    async def pin(self, actor: Actor, room_id: uuid.UUID, message_id: int, pinned: bool) -> PinList:
        """Pin (at most MAX_PINS per room, counted under the room's lock) or unpin a message."""
        async with self._db.writer() as db:
            record, member = await self._access.as_member(db, actor.id, room_id)
            await self._access.require(
                db, actor, Permission.MESSAGE_PIN, record, member, code=ErrorCode.MISSING_PERMISSION
            )
            message = await self._repo.message(db, room_id, message_id)
            if message is None or message.deleted_at is not None or message.parent_id is not None:
                raise NotFound("No such message.", code=ErrorCode.MESSAGE_NOT_FOUND)
            if not await self._repo.lock_room(db, room_id):
                raise NotFound("No such room.", code=ErrorCode.ROOM_NOT_FOUND)
            if pinned:
                if await self._mod.pin_count(db, room_id) >= MAX_PINS and message_id not in await self.pinned_ids(
                    db, room_id
                ):
                    raise Conflict(
                        f"A room has at most {MAX_PINS} pinned messages: unpin one first.", code=ErrorCode.PIN_LIMIT
                    )
                changed = await self._mod.pin(db, room_id, message_id, actor.id, utcnow())
            else:
                changed = await self._mod.unpin(db, room_id, message_id)
            if changed:
                await self._emit_pins(db, room_id, message_id, pinned, actor.id)
                await self._messages.system_message(db, room_id, "pinned" if pinned else "unpinned", actor.id)
                action = AuditAction.MESSAGE_PIN if pinned else AuditAction.MESSAGE_UNPIN
                await self._audit.record(
                    db, actor, action, "message", message_id, sanctum_id=record.sanctum, metadata={"room_id": room_id}
                )
            return await self.pin_list(db, room_id, actor.id)

    async def _emit_pins(
        self, db: UnitOfWork, room_id: uuid.UUID, message_id: int, pinned: bool, by: uuid.UUID
    ) -> None:
        data = ev.PinChanged(
            message_id=message_id, pinned=pinned, by=by, pinned_message_ids=await self.pinned_ids(db, room_id)
        )
        await db.emit(ev.room_topic(room_id), ev.PIN_UPDATED, data)

    # -- mutes ----------------------------------------------------------------------------------

    async def mute(
        self, actor: Actor, room_id: uuid.UUID, user_id: uuid.UUID, seconds: int | None, reason: str = ""
    ) -> MuteRead:
        """Mute a member of the room for `seconds` (None: unmute). It ends by itself: a send compares
        the time with the member row it already reads."""
        until = clock.utcnow() + timedelta(seconds=seconds) if seconds is not None else None
        async with self._db.writer() as db:
            record, member = await self._access.as_member(db, actor.id, room_id)
            if record.kind == "dm":
                raise Forbidden("Nobody is muted in a direct message.", code=ErrorCode.ROOM_IS_DM)
            await self._access.require(
                db, actor, Permission.USER_MUTE, record, member, code=ErrorCode.MISSING_PERMISSION
            )
            target = await self._access.member(db, room_id, user_id)
            if target is None:
                raise NotFound("That person is not a member.", code=ErrorCode.MEMBER_NOT_FOUND)
            if user_id == actor.id:
                raise ValidationFailed(fields={"user_id": "must be someone else"})
            if target.role == "owner":
                raise Forbidden("The owner cannot be muted.", code=ErrorCode.NOT_OWNER)
            await self._mod.set_mute(db, [room_id], user_id, until)
            await db.emit(f"user:{user_id}", ev.MUTE_UPDATED, ev.MuteChanged(room_id=room_id, muted_until=until))
            detail = f"for {_duration(seconds)}" if seconds is not None else ""
            await self._messages.system_message(
                db, room_id, "muted" if until is not None else "unmuted", actor.id, user_id, detail
            )
            action = AuditAction.USER_MUTE if until is not None else AuditAction.USER_UNMUTE
            details = {"room_id": room_id, "until": until, "reason": reason} if until else {"room_id": room_id}
            await self._audit.record(db, actor, action, "user", user_id, sanctum_id=record.sanctum, metadata=details)
        return MuteRead(user_id=user_id, until=until)

    async def announce_in_sanctum(
        self, db: UnitOfWork, sanctum_id: uuid.UUID, kind: SystemKind, actor: uuid.UUID, target: uuid.UUID
    ) -> None:
        """A moderation line (a ban, a sanctum-wide mute) in the sanctum's main room."""
        room_id = (await self._repo.sanctum_room_ids(db, [sanctum_id])).get(sanctum_id)
        if room_id is not None:
            await self._messages.system_message(db, room_id, kind, actor, target)

    async def mute_in_sanctum(
        self, db: UnitOfWork, sanctum_id: uuid.UUID, user_id: uuid.UUID, until: datetime | None
    ) -> None:
        """A sanctum-wide mute (or unmute) onto every room of the sanctum, in the caller's unit of work."""
        room_ids = [r.id for r in await self._channels.rooms_for_update(db, sanctum_id)]
        await self._mod.set_mute(db, room_ids, user_id, until)
        for room_id in room_ids:
            await db.emit(f"user:{user_id}", ev.MUTE_UPDATED, ev.MuteChanged(room_id=room_id, muted_until=until))

    # -- deleting -------------------------------------------------------------------------------

    async def delete(self, actor: Actor, room_id: uuid.UUID, message_id: int) -> None:
        async with self._db.writer() as db:
            record, member = await self._access.as_member(db, actor.id, room_id)
            message = await self._repo.message(db, room_id, message_id)
            if message is None or message.deleted_at is not None:
                raise NotFound("No such message.", code=ErrorCode.MESSAGE_NOT_FOUND)
            by_moderator = message.author_id != actor.id
            if by_moderator and (
                record.kind == "dm"
                or not await self._access.allows(db, actor, Permission.MESSAGE_DELETE, record, member)
            ):
                raise Forbidden("Only the author or a moderator can delete a message.", code=ErrorCode.NOT_AUTHOR)
            if by_moderator:
                await self._audit.record(
                    db,
                    actor,
                    AuditAction.MESSAGE_DELETE,
                    "message",
                    message.id,
                    sanctum_id=record.sanctum,
                    metadata={"room_id": room_id, "author_id": message.author_id, "body": message.body[:200]},
                )
            message.deleted_at = utcnow()
            message.removed_by_moderator = by_moderator
            await self._messages.files.drop_message(db, message.id)
            if await self._mod.unpin(db, room_id, message.id):
                await self._emit_pins(db, room_id, message.id, False, actor.id)
            topic = ev.room_topic(room_id)
            # Its content is no longer served: not by history, and not by a resume replaying the log.
            redacted = (await self._messages.serialize(db, [message], None))[0]
            await db.rewrite(topic, ev.message_ref(message.id), redacted)
            gone = ev.MessageDeleted(
                id=message.id, room_id=room_id, parent_message_id=message.parent_id, removed_by_moderator=by_moderator
            )
            await db.emit(topic, ev.MESSAGE_DELETED, gone)
            if message.parent_id is not None:
                # The parent's "N replies" counts only replies that are still there.
                parent = await self._repo.message(db, room_id, message.parent_id)
                if parent is not None:
                    parent.reply_count = max(0, parent.reply_count - 1)
                    counts = ev.ReplyCounts(
                        id=parent.id, reply_count=parent.reply_count, last_reply_at=parent.last_reply_at
                    )
                    await db.emit(topic, ev.MESSAGE_UPDATED, counts)
            await self._messages.after_message_change(db, room_id, lists_too=message.parent_id is None)
