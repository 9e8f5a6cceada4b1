"""What chat tells people through the notifier: mentions of them, reactions to their messages, replies in
their threads, and messages in their DMs and groups.

Each goes through the sending unit of work's outbox (`notifier.within(db)`, jobs/outbox.py): a
rolled-back send tells nobody, and a process that dies right after the commit loses no notification
(the rows of one send are flushed in one batched INSERT); the notifier only queues a job. A mention
already notifies its person, so they get no second "message" notification for the same message. A
thread tells its first author and up to 50 people who replied in it. A DM or group message tells every
other member; the job drops it if they have read the message by then (they were in the conversation),
and while one is unread the next ones only update it.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.chat.access import RoomRecord
from sanctum.domains.chat.repository import ChatRepository
from sanctum.domains.chat.schemas import MessageRead, ReceiptState
from sanctum.domains.notifications.notify import Notifier

CONVERSATIONS = frozenset({"dm", "group"})
_repo = ChatRepository()


async def dm_receipts(db: AsyncSession, record: RoomRecord, viewer: uuid.UUID) -> list[ReceiptState]:
    """In a DM, how far the other person has received and read (none elsewhere)."""
    if record.kind != "dm":
        return []
    out = []
    for user_id in record.dm_user_ids:
        if user_id == viewer:
            continue
        other = await _repo.member(db, record.id, user_id)
        if other is not None:
            out.append(
                ReceiptState(
                    user_id=user_id,
                    last_delivered_message_id=other.last_delivered_message_id,
                    last_read_message_id=other.last_read_message_id,
                )
            )
    return out


class ChatNotices:
    def __init__(self, notifier: Notifier) -> None:
        self._notifier = notifier
        self._repo = ChatRepository()

    async def sent(
        self, db: UnitOfWork, record: RoomRecord, by: uuid.UUID, message: MessageRead, mentioned: set[uuid.UUID]
    ) -> None:
        """After a send: each mentioned person (who can see the room), then the thread or conversation."""
        notifier = self._notifier.within(db)
        for user_id in mentioned:
            await notifier.mention(to=user_id, by=by, room_id=record.id, message_id=message.id)
        if message.parent_message_id is not None:
            await self._thread_reply(db, record, by, message, mentioned)
            return
        if record.kind not in CONVERSATIONS:
            return
        for user_id in await self._repo.member_ids(db, record.id):
            if user_id != by and user_id not in mentioned:
                await notifier.message(
                    to=user_id, by=by, room_id=record.id, message_id=message.id, room_kind=record.kind
                )

    async def _thread_reply(
        self, db: UnitOfWork, record: RoomRecord, by: uuid.UUID, reply: MessageRead, mentioned: set[uuid.UUID]
    ) -> None:
        parent_id = reply.parent_message_id
        assert parent_id is not None
        author, repliers = await self._repo.thread_people(db, parent_id)
        notifier = self._notifier.within(db)
        for user_id in ({author} if author else set()) | repliers:
            if user_id == by or user_id in mentioned:
                continue
            if record.kind != "public" and await self._repo.member(db, record.id, user_id) is None:
                continue  # left the room since
            await notifier.thread_reply(
                to=user_id,
                by=by,
                room_id=record.id,
                parent_id=parent_id,
                reply_id=reply.id,
                started=user_id == author,
            )

    async def reacted(
        self, db: UnitOfWork, owner: uuid.UUID | None, by: uuid.UUID, room_id: uuid.UUID, message_id: int, emoji: str
    ) -> None:
        await self._notifier.within(db).reaction(
            owner=owner, by=by, room_id=room_id, message_id=message_id, emoji=emoji
        )

    async def left_unread(self, db: AsyncSession, user_id: uuid.UUID, room_id: uuid.UUID, message_id: int) -> bool:
        """Whether `user_id` has not read up to `message_id` in the room (not a member: never read it)."""
        member = await self._repo.membership(db, room_id, user_id)
        return member is None or member.last_read_message_id < message_id

    async def has_read(self, db: AsyncSession, user_id: uuid.UUID, room_id: uuid.UUID, message_id: int) -> bool:
        """Whether `user_id` has read up to `message_id` in the room (a notification about it is moot)."""
        member = await self._repo.membership(db, room_id, user_id)
        return member is None or member.last_read_message_id >= message_id
