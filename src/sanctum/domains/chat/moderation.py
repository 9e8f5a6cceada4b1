"""Moderating a room: deleting others' messages (`message.delete`), pins (`message.pin`) and mutes
(`user.mute`), each decided by the one authorization function and recorded in the audit log in the
same unit of work.

A message its author deletes shows as deleted; one a moderator deletes shows as removed by a moderator
(`removed_by_moderator`). Both stop serving its content at once, to history and to a resume alike.
"""

from __future__ import annotations

import uuid

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, Forbidden, NotFound
from sanctum.db.database import Database
from sanctum.domains.accounts.service import Actor
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import RoomAccess
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.repository import ChatRepository
from sanctum.domains.roles.permissions import Permission


class ChatModeration:
    def __init__(self, db: Database, access: RoomAccess, messages: MessageService, audit: AuditLog) -> None:
        self._db = db
        self._access = access
        self._messages = messages
        self._audit = audit
        self._repo = ChatRepository()

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
            topic = ev.room_topic(room_id)
            # Its content is no longer served: not by history, and not by a resume replaying the log.
            redacted = (await self._messages.serialize(db, [message], None))[0]
            await db.rewrite(topic, ev.message_ref(message.id), redacted)
            gone = ev.MessageDeleted(id=message.id, room_id=room_id, parent_message_id=message.parent_id)
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
