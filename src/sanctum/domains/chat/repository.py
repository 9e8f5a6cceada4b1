"""Every query of the chat domain (SQLAlchemy 2 `select()`); no commits.

Statements on hot paths are built once, here, with `bindparam`s, and executed with their values:
building a `select()` costs more CPU than running it (docs/architecture.md, "The data path").

The hot paths and their indexes (EXPLAIN plans in docs/chat.md):
- history: messages (room_id, id), newest first, top-level only;
- threads: messages (parent_id, id);
- a user's rooms: room_members (user_id, room_id), then rooms by primary key;
- unread counts: a capped count over messages (room_id, id) above the member's watermark.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, case, delete, func, insert, literal, or_, select, update
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from sanctum.db.base import table_of
from sanctum.db.dialect import affected, insert_for
from sanctum.domains.chat.held_mutes import hold_mute
from sanctum.domains.chat.models import Mention, Message, MessageEdit, Reaction, Room, RoomMember
from sanctum.domains.chat.rows import Membership as Membership  # re-exported: callers import the rows from here
from sanctum.domains.chat.rows import MessageRow as MessageRow

UNREAD_CAP = 100


_rooms, _messages, _members = table_of(Room), table_of(Message), table_of(RoomMember)
_WROTE = select(Message.id).where(Message.author_id == bindparam("user_id"), Message.kind == "user").limit(1)
_MEMBER_IDS = select(RoomMember.user_id).where(RoomMember.room_id == bindparam("room_id"))
_MEMBERSHIP = select(_members.c.role, _members.c.last_read_message_id, _members.c.muted_until).where(
    _members.c.room_id == bindparam("room_id"), _members.c.user_id == bindparam("user_id")
)
_HISTORY = (
    select(_messages)
    .where(
        _messages.c.room_id == bindparam("room_id"),
        _messages.c.parent_id.is_(None),
        _messages.c.id < bindparam("before"),
    )
    .order_by(_messages.c.id.desc())
    .limit(bindparam("limit"))
)
_HISTORY_AFTER = (
    select(_messages)
    .where(
        _messages.c.room_id == bindparam("room_id"),
        _messages.c.parent_id.is_(None),
        _messages.c.id > bindparam("after"),
    )
    .order_by(_messages.c.id)
    .limit(bindparam("limit"))
)
_BY_CLIENT_ID = select(Message).where(
    Message.room_id == bindparam("room_id"),
    Message.author_id == bindparam("author_id"),
    Message.client_id == bindparam("client_id"),
)
# Counts per message and emoji, and whether the viewer (NULL for nobody) is among them.
_REACTIONS = (
    select(
        Reaction.message_id,
        Reaction.emoji,
        func.count(),
        func.max(case((Reaction.user_id == bindparam("viewer"), 1), else_=0)),
        func.min(Reaction.created_at),
    )
    .where(Reaction.message_id.in_(bindparam("ids", expanding=True)))
    .group_by(Reaction.message_id, Reaction.emoji)
    .order_by(Reaction.message_id, func.min(Reaction.created_at))
)
_MY_REACTIONS = select(Reaction.message_id, Reaction.emoji).where(
    Reaction.message_id.in_(bindparam("ids", expanding=True)), Reaction.user_id == bindparam("user_id")
)
_MENTIONED = select(Mention.message_id, Mention.user_id).where(Mention.message_id.in_(bindparam("ids", expanding=True)))
_ROOM_FOR_UPDATE = select(Room).where(Room.id == bindparam("room_id")).with_for_update()
# Top-level messages of a room above a watermark, by someone else: the unread ones, counted up to a cap.
# System lines count only in a room that asks for it (`rooms.system_messages_unread`).
_UNREAD = select(func.count()).select_from(
    select(literal(1))
    .where(
        Message.room_id == bindparam("room_id"),
        Message.id > bindparam("after"),
        Message.parent_id.is_(None),
        Message.deleted_at.is_(None),
        or_(Message.author_id.is_(None), Message.author_id != bindparam("user_id")),
        or_(Message.kind != "system", bindparam("count_system")),
    )
    .limit(UNREAD_CAP)
    .subquery()
)
# Writes of the send path, on the tables (on the mapped classes SQLAlchemy would take its ORM bulk
# path and synchronize the session's objects, several times the cost of the statement).
_LOCK_ROOM = select(_rooms.c.id).where(_rooms.c.id == bindparam("room_id")).with_for_update()
_INSERT_MESSAGE = insert(_messages).returning(_messages.c.id)
_INSERT_MENTION = insert(table_of(Mention))
_TOUCH_ROOM = (
    update(_rooms)
    .where(_rooms.c.id == bindparam("room_id"))
    .values(last_activity_at=bindparam("at"), last_message_id=bindparam("message_id"))
)
_TOUCH_ROOM_ACTIVITY = (
    update(_rooms).where(_rooms.c.id == bindparam("room_id")).values(last_activity_at=bindparam("at"))
)
# The largest id there can be: `before` for the newest page.
NO_UPPER_BOUND = 2**62


class ChatRepository:
    # -- rooms and members --------------------------------------------------------------------

    async def room(self, db: AsyncSession, room_id: uuid.UUID) -> Room | None:
        return await db.get(Room, room_id)

    async def rooms_owned(self, db: AsyncSession, user_id: uuid.UUID, kinds: tuple[str, ...]) -> int:
        """How many rooms of these kinds the user owns, sanctums' rooms aside (for the quotas)."""
        query = (
            select(func.count())
            .select_from(RoomMember)
            .join(Room, Room.id == RoomMember.room_id)
            .where(RoomMember.user_id == user_id, RoomMember.role == "owner")
            .where(Room.kind.in_(kinds), Room.sanctum_id.is_(None))
        )
        return int((await db.execute(query)).scalar_one())

    async def room_for_update(self, db: AsyncSession, room_id: uuid.UUID) -> Room | None:
        return (await db.execute(_ROOM_FOR_UPDATE, {"room_id": room_id})).scalar_one_or_none()

    async def lock_room(self, db: AsyncSession, room_id: uuid.UUID) -> bool:
        """Take the room's row lock for this transaction (sends to one room commit in order); False if gone."""
        return (await db.execute(_LOCK_ROOM, {"room_id": room_id})).scalar_one_or_none() is not None

    async def insert_message(self, db: AsyncSession, values: dict[str, object]) -> int:
        """A new message's row (a Core insert: no ORM object to flush); its id."""
        return int((await db.execute(_INSERT_MESSAGE, values)).scalar_one())

    async def touch_room(self, db: AsyncSession, room_id: uuid.UUID, at: datetime, last_message_id: int | None) -> None:
        """Activity in the room; `last_message_id` for a top-level message (a reply is not the room's last)."""
        if last_message_id is None:
            await db.execute(_TOUCH_ROOM_ACTIVITY, {"room_id": room_id, "at": at})
        else:
            await db.execute(_TOUCH_ROOM, {"room_id": room_id, "at": at, "message_id": last_message_id})

    async def sanctum_room_for_update(self, db: AsyncSession, sanctum_id: uuid.UUID) -> Room | None:
        query = select(Room).where(Room.sanctum_id == sanctum_id).with_for_update()
        return (await db.execute(query)).scalar_one_or_none()

    async def sanctum_room_ids(self, db: AsyncSession, sanctum_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        if not sanctum_ids:
            return {}
        query = select(Room.sanctum_id, Room.id).where(Room.sanctum_id.in_(sanctum_ids))
        return {row[0]: row[1] for row in (await db.execute(query)).all() if row[0] is not None}

    async def dm_room(self, db: AsyncSession, dm_key: str) -> Room | None:
        return (await db.execute(select(Room).where(Room.dm_key == dm_key))).scalar_one_or_none()

    async def member(self, db: AsyncSession, room_id: uuid.UUID, user_id: uuid.UUID) -> RoomMember | None:
        """The member's row as an object, for a use case that changes it."""
        return await db.get(RoomMember, (room_id, user_id))

    async def membership(self, db: AsyncSession, room_id: uuid.UUID, user_id: uuid.UUID) -> Membership | None:
        row = (await db.execute(_MEMBERSHIP, {"room_id": room_id, "user_id": user_id})).first()
        return Membership(row[0], row[1], row[2]) if row is not None else None

    async def members(self, db: AsyncSession, room_id: uuid.UUID, limit: int = 1000) -> list[RoomMember]:
        query = select(RoomMember).where(RoomMember.room_id == room_id).order_by(RoomMember.joined_at).limit(limit)
        return list((await db.execute(query)).scalars())

    async def member_ids(self, db: AsyncSession, room_id: uuid.UUID) -> list[uuid.UUID]:
        return list((await db.execute(_MEMBER_IDS, {"room_id": room_id})).scalars())

    async def rooms_of(self, db: AsyncSession, user_id: uuid.UUID) -> list[tuple[uuid.UUID, str, str, str | None]]:
        """(id, kind, name, dm_key) of every room and DM the user is a member of."""
        query = select(Room.id, Room.kind, Room.name, Room.dm_key).join(RoomMember, RoomMember.room_id == Room.id)
        rows = (await db.execute(query.where(RoomMember.user_id == user_id))).all()
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    async def has_written(self, db: AsyncSession, user_id: uuid.UUID) -> bool:
        """One row of ix_messages_author_id_id (migration 0013), or none."""
        return (await db.execute(_WROTE, {"user_id": user_id})).first() is not None

    async def member_ids_upto(self, db: AsyncSession, room_id: uuid.UUID, limit: int) -> list[uuid.UUID]:
        """Up to `limit` members, the earliest joined first (who `@room` tells)."""
        query = select(RoomMember.user_id).where(RoomMember.room_id == room_id)
        return list((await db.execute(query.order_by(RoomMember.joined_at).limit(limit))).scalars())

    async def remove_member(self, db: AsyncSession, room_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """Out of the room; a mute still running is held for their return (moderation_repository)."""
        query = delete(RoomMember).where(RoomMember.room_id == room_id, RoomMember.user_id == user_id)
        row = (await db.execute(query.returning(RoomMember.muted_until))).first()
        if row is not None:
            await hold_mute(db, room_id, user_id, row[0])
        return row is not None

    async def successor(self, db: AsyncSession, room_id: uuid.UUID) -> RoomMember | None:
        """Who inherits a room its owner leaves: the longest-standing moderator, else member."""
        query = (
            select(RoomMember)
            .where(RoomMember.room_id == room_id)
            .order_by((RoomMember.role == "moderator").desc(), RoomMember.joined_at)
            .limit(1)
        )
        return (await db.execute(query)).scalar_one_or_none()

    async def directory(self, db: AsyncSession, q: str | None, after: tuple[str, str] | None, limit: int) -> list[Room]:
        query = select(Room).where(Room.kind == "public")
        if q:
            query = query.where(func.lower(Room.name).contains(q.lower(), autoescape=True))
        if after is not None:
            name, room_id = after
            query = query.where(or_(Room.name > name, (Room.name == name) & (Room.id > uuid.UUID(room_id))))
        query = query.order_by(Room.name, Room.id).limit(limit)
        return list((await db.execute(query)).scalars())

    async def my_rooms(
        self, db: AsyncSession, user_id: uuid.UUID, limit: int = 500
    ) -> list[tuple[Room, RoomMember, Message | None, int]]:
        unread_rows = (
            select(literal(1))
            .where(
                Message.room_id == RoomMember.room_id,
                Message.id > RoomMember.last_read_message_id,
                Message.parent_id.is_(None),
                Message.deleted_at.is_(None),
                or_(Message.author_id.is_(None), Message.author_id != user_id),
                or_(Message.kind != "system", Room.system_messages_unread),
            )
            .limit(UNREAD_CAP)
            .correlate(RoomMember, Room)
            .subquery()
        )
        unread = select(func.count()).select_from(unread_rows).scalar_subquery()
        last = aliased(Message)
        query = (
            select(Room, RoomMember, last, unread.label("unread"))
            .join(RoomMember, RoomMember.room_id == Room.id)
            .outerjoin(last, last.id == Room.last_message_id)
            .where(RoomMember.user_id == user_id)
            .order_by(Room.last_activity_at.desc(), Room.id)
            .limit(limit)
        )
        return [(row[0], row[1], row[2], int(row[3])) for row in (await db.execute(query)).all()]

    async def unread_count(
        self, db: AsyncSession, room_id: uuid.UUID, user_id: uuid.UUID, after: int, count_system: bool = False
    ) -> int:
        params = {"room_id": room_id, "after": after, "user_id": user_id, "count_system": count_system}
        return int((await db.execute(_UNREAD, params)).scalar_one())

    async def advance_read(
        self, db: AsyncSession, room_id: uuid.UUID, user_id: uuid.UUID, message_id: int, *, delivered_only: bool
    ) -> bool:
        """Move a watermark forward only; false if it was already there."""
        if delivered_only:
            result = await db.execute(
                update(RoomMember)
                .where(
                    RoomMember.room_id == room_id,
                    RoomMember.user_id == user_id,
                    RoomMember.last_delivered_message_id < message_id,
                )
                .values(last_delivered_message_id=message_id)
            )
            return bool(affected(result))
        result = await db.execute(
            update(RoomMember)
            .where(
                RoomMember.room_id == room_id,
                RoomMember.user_id == user_id,
                RoomMember.last_read_message_id < message_id,
            )
            .values(
                last_read_message_id=message_id,
                last_delivered_message_id=func.max(RoomMember.last_delivered_message_id, message_id)
                if db.get_bind().dialect.name == "sqlite"
                else func.greatest(RoomMember.last_delivered_message_id, message_id),
            )
        )
        return bool(affected(result))

    # -- messages -----------------------------------------------------------------------------

    async def message_by_id(self, db: AsyncSession, message_id: int) -> Message | None:
        return await db.get(Message, message_id)

    async def message(self, db: AsyncSession, room_id: uuid.UUID, message_id: int) -> Message | None:
        found = await db.get(Message, message_id)
        return found if found is not None and found.room_id == room_id else None

    async def thread_people(
        self, db: AsyncSession, parent_id: int, limit: int = 50
    ) -> tuple[uuid.UUID | None, set[uuid.UUID]]:
        """Who wrote the thread's first message, and who has replied in it (at most `limit` of them)."""
        parent = (await db.execute(select(Message.author_id).where(Message.id == parent_id))).scalar_one_or_none()
        query = (
            select(Message.author_id)
            .where(Message.parent_id == parent_id, Message.author_id.is_not(None))
            .distinct()
            .limit(limit)
        )
        return parent, {u for u in (await db.execute(query)).scalars() if u is not None}

    async def message_by_client_id(
        self, db: AsyncSession, room_id: uuid.UUID, author_id: uuid.UUID, client_id: str
    ) -> Message | None:
        params = {"room_id": room_id, "author_id": author_id, "client_id": client_id}
        return (await db.execute(_BY_CLIENT_ID, params)).scalar_one_or_none()

    async def history(
        self, db: AsyncSession, room_id: uuid.UUID, before: int | None, after: int | None, limit: int
    ) -> Sequence[MessageRow]:
        if after is None:  # the common case: a page going back in time
            params = {"room_id": room_id, "before": NO_UPPER_BOUND if before is None else before, "limit": limit}
            return _rows(await db.execute(_HISTORY, params))
        query = select(_messages).where(
            _messages.c.room_id == room_id, _messages.c.parent_id.is_(None), _messages.c.id > after
        )
        if before is not None:
            query = query.where(_messages.c.id < before)
        return _rows(await db.execute(query.order_by(_messages.c.id.desc()).limit(limit)))

    async def history_after(self, db: AsyncSession, room_id: uuid.UUID, after: int, limit: int) -> Sequence[MessageRow]:
        """Top-level messages just after `after`, oldest first, so paging forward never skips any."""
        return _rows(await db.execute(_HISTORY_AFTER, {"room_id": room_id, "after": after, "limit": limit}))

    async def history_around(
        self, db: AsyncSession, room_id: uuid.UUID, message_id: int, limit: int
    ) -> tuple[list[MessageRow], bool, bool]:
        """Top-level messages around `message_id` (itself included), newest first: about half older, the
        other side filling what one side lacks; and whether older and newer ones remain beyond them."""
        older = list(await self.history(db, room_id, message_id + 1, None, limit + 1))
        newer = list(await self.history_after(db, room_id, message_id, limit + 1))
        new_count = min(len(newer), max(limit - (limit + 1) // 2, limit - len(older)))
        old_count = min(len(older), limit - new_count)
        page = [*reversed(newer[:new_count]), *older[:old_count]]
        return page, len(older) > old_count, len(newer) > new_count

    async def replies(self, db: AsyncSession, parent_id: int, after: int | None, limit: int) -> list[Message]:
        query = select(Message).where(Message.parent_id == parent_id)
        if after is not None:
            query = query.where(Message.id > after)
        return list((await db.execute(query.order_by(Message.id).limit(limit))).scalars())

    async def messages_by_ids(self, db: AsyncSession, ids: Iterable[int]) -> dict[int, Message]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        return {m.id: m for m in (await db.execute(select(Message).where(Message.id.in_(wanted)))).scalars()}

    async def add_edit(
        self, db: AsyncSession, message_id: int, body: str, editor: uuid.UUID, replaced_at: datetime
    ) -> None:
        db.add(MessageEdit(message_id=message_id, body=body, edited_by=editor, replaced_at=replaced_at))

    # -- reactions ----------------------------------------------------------------------------

    async def add_reaction(
        self, db: AsyncSession, message_id: int, user_id: uuid.UUID, emoji: str, at: datetime
    ) -> bool:
        """Add it unless it is there; True when added. Identical concurrent requests add it once."""
        stmt = (
            insert_for(db, Reaction)
            .values(message_id=message_id, user_id=user_id, emoji=emoji, created_at=at)
            .on_conflict_do_nothing(index_elements=["message_id", "user_id", "emoji"])
            .returning(Reaction.message_id)
        )
        return (await db.execute(stmt)).scalar() is not None

    async def remove_reaction(self, db: AsyncSession, message_id: int, user_id: uuid.UUID, emoji: str) -> bool:
        result = await db.execute(
            delete(Reaction).where(
                Reaction.message_id == message_id, Reaction.user_id == user_id, Reaction.emoji == emoji
            )
        )
        return bool(affected(result))

    async def reaction_count(self, db: AsyncSession, message_id: int, emoji: str) -> int:
        query = select(func.count()).where(Reaction.message_id == message_id, Reaction.emoji == emoji)
        return int((await db.execute(query)).scalar_one())

    async def reactions(
        self, db: AsyncSession, message_ids: list[int], viewer: uuid.UUID | None
    ) -> dict[int, list[tuple[str, int, bool]]]:
        """Per message, (emoji, count, whether the viewer reacted so), first reacted first."""
        if not message_ids:
            return {}
        out: dict[int, list[tuple[str, int, bool]]] = defaultdict(list)
        params = {"ids": message_ids, "viewer": viewer}
        for message_id, emoji, count, mine, _ in (await db.execute(_REACTIONS, params)).all():
            out[int(message_id)].append((str(emoji), int(count), bool(mine)))
        return out

    async def my_reactions(self, db: AsyncSession, message_ids: list[int], user_id: uuid.UUID) -> set[tuple[int, str]]:
        if not message_ids:
            return set()
        rows = (await db.execute(_MY_REACTIONS, {"ids": message_ids, "user_id": user_id})).all()
        return {(int(m), str(e)) for m, e in rows}

    # -- mentions -----------------------------------------------------------------------------

    async def add_mentions(
        self, db: AsyncSession, message_id: int, room_id: uuid.UUID, user_ids: Iterable[uuid.UUID], at: datetime
    ) -> None:
        rows = [{"message_id": message_id, "user_id": u, "room_id": room_id, "created_at": at} for u in user_ids]
        if rows:
            await db.execute(_INSERT_MENTION, rows)

    async def mentioned(self, db: AsyncSession, message_ids: list[int]) -> dict[int, list[uuid.UUID]]:
        if not message_ids:
            return {}
        out: dict[int, list[uuid.UUID]] = defaultdict(list)
        for message_id, user_id in (await db.execute(_MENTIONED, {"ids": message_ids})).all():
            out[int(message_id)].append(user_id)
        return out

    async def mentions_of(
        self, db: AsyncSession, user_id: uuid.UUID, before: int | None, limit: int
    ) -> list[tuple[Message, Room]]:
        query = (
            select(Message, Room)
            .join(Mention, Mention.message_id == Message.id)
            .join(Room, Room.id == Mention.room_id)
            .where(Mention.user_id == user_id, Message.deleted_at.is_(None))
        )
        if before is not None:
            query = query.where(Mention.message_id < before)
        query = query.order_by(Mention.message_id.desc()).limit(limit)
        return [(row[0], row[1]) for row in (await db.execute(query)).all()]


def _rows(result: Result[Any]) -> Sequence[MessageRow]:
    """Rows of the messages table: they carry the mapped names, which is all a `MessageRow` is."""
    return cast(Sequence[MessageRow], result.all())
