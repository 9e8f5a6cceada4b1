"""Notifications: reading and marking them (requests), and creating them (background jobs only).

A job's `deliver` is idempotent: every notification has a dedupe key unique per recipient (the message of a
mention, the comment of a comment, the liked target of a like, ...), and an aggregated like counts each
liker once (one notification_actors row per liker), so a job that runs twice changes nothing the second
time. Each new or changed notification is emitted on `user:{id}` in the same unit of work, which publishes
it after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, NotFound
from sanctum.core.pagination import UpdatedCursor, decode_cursor, encode_cursor
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.blocks import BlockService
from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.accounts.service import AccountService
from sanctum.domains.notifications import events as ev
from sanctum.domains.notifications.hub import user_topic
from sanctum.domains.notifications.notify import Kind
from sanctum.domains.notifications.repository import NotificationRepository, NotificationRow
from sanctum.domains.notifications.schemas import NotificationPage, NotificationRead, UnreadCount
from sanctum.jobs import PermanentJobError
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.notifications")

# What each kind carries besides `to` and `by`, and which of it makes the notification unique.
SUBJECT: dict[Kind, tuple[str, ...]] = {
    "friend_request": (),
    "friend_accepted": (),
    "mention": ("room_id", "message_id"),
    "post_mention": ("post_id", "target", "target_id"),
    "comment": ("post_id", "comment_id"),
    "reply": ("post_id", "comment_id", "reply_id"),
    "like": ("target", "target_id", "post_id"),
    "game_invite": ("game_id", "game"),
    "reaction": ("room_id", "message_id", "emoji"),
    "thread_reply": ("room_id", "parent_id", "reply_id", "role"),
    "message": ("room_id", "message_id", "room_kind"),
    "missed_call": ("room_id", "call_id"),
}
# One row per subject gathering every actor: "Alice and 3 others ...", unread again on each new one.
AGGREGATED: frozenset[Kind] = frozenset({"like", "reaction", "thread_reply", "message"})
CHOICES = {"target": ("post", "comment"), "role": ("author", "participant"), "room_kind": ("dm", "group")}

ReadCheck = Callable[[AsyncSession, uuid.UUID, uuid.UUID, int], Awaitable[bool]]
"""Has user `to` read message `message_id` of room `room_id`? (Chat answers; the composition root wires it.)"""


@dataclass(frozen=True)
class Delivery:
    """What a recipient's preferences allow for one notification."""

    in_app: bool = True
    push: bool = False


Gate = Callable[[AsyncSession, uuid.UUID, Kind, Mapping[str, str]], Awaitable[Delivery]]
"""What `to` wants of a notification of `kind` about `data` (preferences answer; one cached read)."""
# Queues a push in the notification job's unit of work (through its outbox: once, and only if, it commits).
PushHook = Callable[[UnitOfWork, uuid.UUID, Kind, str, Mapping[str, str]], None]
"""Queue a push of `text` about `data` to `to` (Web Push answers; run after the commit)."""
MAX_ID_LENGTH = 64


class BadJobPayload(PermanentJobError):
    """A payload no retry can fix; the job goes to the dead-letter queue."""


def dedupe_key(kind: Kind, by: uuid.UUID, data: Mapping[str, str]) -> str:
    match kind:
        case "friend_request" | "friend_accepted":
            # Asking again while the first request's notification exists tells nobody twice.
            return f"{kind}:{by}"
        case "mention":
            return f"mention:{data['message_id']}"
        case "post_mention":
            return f"post_mention:{data['target']}:{data['target_id']}"
        case "comment":
            return f"comment:{data['comment_id']}"
        case "reply":
            return f"reply:{data['reply_id']}"
        case "like":
            return f"like:{data['target']}:{data['target_id']}"
        case "game_invite":
            return f"game_invite:{data['game_id']}:{by}"
        case "reaction":
            return f"reaction:{data['message_id']}"
        case "thread_reply":
            return f"thread:{data['parent_id']}"
        case "message":
            return f"message:{data['room_id']}"
        case "missed_call":
            return f"missed_call:{data['call_id']}"


def subject_of(kind: str, data: Mapping[str, str]) -> str | None:
    """What a notification is about, so viewing it marks the notification read."""
    if "room_id" in data:
        return f"room:{data['room_id']}"
    if "post_id" in data:
        return f"post:{data['post_id']}"
    if "game_id" in data:
        return f"game:{data['game_id']}"
    return None


def sentence(kind: str, actor: PublicUser | None, count: int, data: Mapping[str, str]) -> str:
    who = (actor.display_name or actor.username) if actor is not None else "A deleted user"
    if count > 1:
        who = f"{who} and {count - 1} other{'s' if count > 2 else ''}"
    match kind:
        case "friend_request":
            return f"{who} sent you a friend request"
        case "friend_accepted":
            return f"{who} accepted your friend request"
        case "mention":
            return f"{who} mentioned you in a message"
        case "post_mention":
            return f"{who} mentioned you in a {'comment' if data.get('target') == 'comment' else 'post'}"
        case "comment":
            return f"{who} commented on your post"
        case "reply":
            return f"{who} replied to your comment"
        case "like":
            return f"{who} liked your {'comment' if data.get('target') == 'comment' else 'post'}"
        case "reaction":
            return f"{who} reacted {data.get('emoji', '')} to your message".replace("  ", " ")
        case "thread_reply":
            where = "to your message" if data.get("role") == "author" else "in a thread you replied in"
            return f"{who} replied {where}"
        case "message":
            return f"{who} sent you a message" if data.get("room_kind") == "dm" else f"{who} wrote in a group"
        case "missed_call":
            return f"You missed a call from {who}"
        case _:
            return f"{who} invited you to play {data.get('game', 'a game')}"


def parse_payload(kind: Kind, payload: Mapping[str, Any]) -> tuple[uuid.UUID, uuid.UUID, dict[str, str]]:
    try:
        to, by = uuid.UUID(str(payload["to"])), uuid.UUID(str(payload["by"]))
        data = {name: str(payload[name]) for name in SUBJECT[kind]}
    except (KeyError, ValueError, TypeError) as exc:
        raise BadJobPayload(f"bad {kind} payload: {exc!r}") from exc
    if any(not value or len(value) > MAX_ID_LENGTH for value in data.values()):
        raise BadJobPayload(f"bad {kind} payload: an id is empty or too long")
    for name, allowed in CHOICES.items():
        if name in data and data[name] not in allowed:
            raise BadJobPayload(f"bad {kind} payload: {name} is none of {', '.join(allowed)}")
    return to, by, data


class NotificationService:
    def __init__(self, db: Database, accounts: AccountService, blocks: BlockService) -> None:
        self._db = db
        self._blocks = blocks
        self._accounts = accounts
        self._repo = NotificationRepository()
        self._has_read: ReadCheck | None = None
        self._gate: Gate | None = None
        self._push: PushHook | None = None

    def use_read_check(self, check: ReadCheck) -> None:
        """How to tell that a message notification is moot (its reader got there first)."""
        self._has_read = check

    def use_preferences(self, gate: Gate, push: PushHook | None = None) -> None:
        """Whom to ask before notifying (mutes, kinds, quiet hours), and how to push what passes."""
        self._gate, self._push = gate, push

    # -- serialization ------------------------------------------------------------------------

    @staticmethod
    def _read(n: NotificationRow, users: Mapping[uuid.UUID, PublicUser]) -> NotificationRead:
        actor = users.get(n.actor_id) if n.actor_id is not None else None
        data = orjson.loads(n.data) if n.data else {}
        return NotificationRead(
            id=n.id,
            kind=n.kind,
            actor=actor,
            actor_count=n.actor_count,
            text=sentence(n.kind, actor, n.actor_count, data),
            data=data,
            read=n.read_at is not None,
            created_at=n.created_at,
            updated_at=n.updated_at,
        )

    async def _serialize(self, db: AsyncSession, rows: Sequence[NotificationRow]) -> list[NotificationRead]:
        users = await self._accounts.public_users(db, (n.actor_id for n in rows if n.actor_id is not None))
        return [self._read(n, users) for n in rows]

    async def unread_mentions(self, db: AsyncSession, user_id: uuid.UUID, limit: int) -> list[NotificationRead]:
        """For Home, in the caller's session: unread mentions (chat, posts, comments), newest first."""
        return await self._serialize(
            db, await self._repo.unread_of_kinds(db, user_id, ("mention", "post_mention"), limit)
        )

    async def digest_recipients(self, db: AsyncSession, cutoff: datetime, limit: int) -> list[uuid.UUID]:
        """For the email digest: who has unread mentions from before `cutoff` it has not handled yet."""
        return await self._repo.digest_recipients(db, cutoff, limit)

    async def claim_for_digest(
        self, db: AsyncSession, user_id: uuid.UUID, cutoff: datetime, limit: int
    ) -> list[NotificationRead]:
        """For the email digest, in its writer: take the user's pending mentions (each goes to one digest)."""
        return await self._serialize(db, await self._repo.claim_for_digest(db, user_id, cutoff, limit, utcnow()))

    async def release_from_digest(self, db: AsyncSession, ids: Sequence[int]) -> None:
        """For the email digest: its email failed, the mentions are pending again."""
        await self._repo.release_from_digest(db, ids)

    # -- requests -----------------------------------------------------------------------------

    async def page(self, user_id: uuid.UUID, cursor: str | None, limit: int) -> NotificationPage:
        after = decode_cursor(cursor, UpdatedCursor) if cursor else None
        before = (after.u, after.i) if after is not None else None
        async with self._db.reader() as db:
            rows = await self._repo.page(db, user_id, before, limit + 1)
            more = len(rows) > limit
            rows = rows[:limit]
            next_cursor = encode_cursor(UpdatedCursor(u=rows[-1].updated_at, i=rows[-1].id)) if more else None
            return NotificationPage(items=await self._serialize(db, rows), next_cursor=next_cursor)

    async def unread(self, user_id: uuid.UUID) -> UnreadCount:
        async with self._db.reader(fresh=True) as db:
            return UnreadCount(unread=await self._repo.unread_count(db, user_id))

    async def mark_read(self, user_id: uuid.UUID, notification_id: int) -> NotificationRead:
        async with self._db.writer() as db:
            row = await self._repo.get(db, user_id, notification_id)
            if row is None:  # someone else's and missing look the same
                raise NotFound("No such notification.", code=ErrorCode.NOTIFICATION_NOT_FOUND)
            if row.read_at is None:
                row.read_at = utcnow()
                await db.flush()
                unread = await self._repo.unread_count(db, user_id)
                await db.emit(user_topic(user_id), ev.NOTIFICATION_READ, ev.SomeRead(ids=[row.id], unread=unread))
            return (await self._serialize(db, [row]))[0]

    async def mark_all_read(self, user_id: uuid.UUID) -> UnreadCount:
        async with self._db.writer() as db:
            if await self._repo.mark_all_read(db, user_id, utcnow()):
                await db.emit(user_topic(user_id), ev.NOTIFICATION_READ, ev.AllRead(all=True, unread=0))
        return UnreadCount(unread=0)

    # -- the job ------------------------------------------------------------------------------

    async def mark_subject_read(self, user_id: uuid.UUID, subject: str) -> UnreadCount:
        """The caller is looking at `subject` (a conversation, a post, a game): what is about it is read."""
        async with self._db.writer() as db:
            ids = await self._repo.mark_subject_read(db, user_id, subject, utcnow())
            unread = await self._repo.unread_count(db, user_id)
            if ids:
                await db.emit(user_topic(user_id), ev.NOTIFICATION_READ, ev.SomeRead(ids=ids, unread=unread))
        return UnreadCount(unread=unread)

    # -- the job ------------------------------------------------------------------------------

    async def deliver(self, kind: Kind, payload: Mapping[str, Any]) -> None:
        """Create (or, aggregated, update) the notification a job carries; a second run changes nothing."""
        to, by, data = parse_payload(kind, payload)
        now = utcnow()
        key = dedupe_key(kind, by, data)
        encoded = orjson.dumps(data).decode()
        async with self._db.writer() as db:
            people = await self._accounts.public_users(db, [to, by])
            if to not in people or by not in people:
                log.info("notification_dropped", kind=kind, reason="a user was deleted")
                return
            if await self._blocks.apart(db, to, by):
                return  # one blocked the other: no mention, reply, reaction or invite between them
            if kind == "message" and await self._already_read(db, to, data):
                return  # they were reading the conversation
            wanted = await self._gate(db, to, kind, data) if self._gate is not None else Delivery()
            if wanted.push and self._push is not None:  # a repeated job returns below before it queues one
                push = partial(self._push, db, to, kind, sentence(kind, people.get(by), 1, data), data)
            else:
                push = None
            if not wanted.in_app:
                if push is not None:
                    push()
                return
            new_id = await self._repo.insert_new(db, to, kind, key, by, encoded, subject_of(kind, data), now)
            row = await self._repo.by_key_for_update(db, to, key)
            assert row is not None
            if kind in AGGREGATED:
                if kind == "message" and new_id is None and row.read_at is not None:
                    await self._repo.clear_actors(db, row.id)  # read since: a new round, from one sender
                if not await self._repo.add_actor(db, row.id, by, now):
                    return  # this actor is already counted: a repeated job, or more of the same
                if new_id is None:
                    row.actor_id, row.updated_at, row.read_at, row.data = by, now, None, encoded
                    row.actor_count = await self._repo.actor_count(db, row.id)
                    await db.flush()
            elif new_id is None:
                return  # already notified: a repeated job
            unread = await self._repo.unread_count(db, to)
            what = ev.NOTIFICATION_CREATED if new_id is not None else ev.NOTIFICATION_UPDATED
            changed = ev.NotificationChanged(notification=self._read(row, people), unread=unread)
            await db.emit(user_topic(to), what, changed)
            if push is not None:
                push()

    async def _already_read(self, db: AsyncSession, to: uuid.UUID, data: Mapping[str, str]) -> bool:
        if self._has_read is None:
            return False
        try:
            room_id, message_id = uuid.UUID(data["room_id"]), int(data["message_id"])
        except ValueError as exc:
            raise BadJobPayload(f"bad message payload: {exc!r}") from exc
        return await self._has_read(db, to, room_id, message_id)
