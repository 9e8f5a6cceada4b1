"""Messages: send (idempotent), history, threads, edit, delete, reactions, mentions, read state.

Every use case is one transaction: a read is one reader, a change one unit of work that checks
access, changes the rows and emits the room's events in the same transaction; the unit of work
publishes them after commit, then forgets the caches they made stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core import clock
from sanctum.core.clock import as_utc, utcnow
from sanctum.core.errors import ErrorCode, Forbidden, Muted, NotFound, ValidationFailed
from sanctum.core.markdown import render
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.blocks import BlockService
from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.accounts.service import AccountService, Actor, to_public
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import ChatCaches, RoomAccess, RoomRecord
from sanctum.domains.chat.links import Resolved, TextLinks
from sanctum.domains.chat.models import Message, Room
from sanctum.domains.chat.notices import ChatNotices
from sanctum.domains.chat.repository import ChatRepository, Membership, MessageRow
from sanctum.domains.chat.schemas import (
    MentionPage,
    MentionRead,
    MessageCreate,
    MessagePage,
    MessageRead,
    ReactionCount,
    ReadState,
    ReceiptState,
    Thread,
)
from sanctum.domains.chat.slow_mode import SlowMode
from sanctum.domains.chat.system_lines import SystemKind, SystemLines, line_text, message_read
from sanctum.domains.files.service import FileService
from sanctum.domains.notifications.notify import Notifier
from sanctum.domains.previews.links import LinksSent, first_links
from sanctum.domains.roles.permissions import Permission
from sanctum.observability import metrics, tracing

# `@room` / `@here` tells at most this many members (the earliest joined): beyond it, a big room's
# moderators use an announcement.
EVERYONE_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Sent:
    message: MessageRead
    created: bool


def _mine(reaction: ReactionCount, me: bool) -> ReactionCount:
    return reaction if reaction.me is me else reaction.model_copy(update={"me": me})


class MessageService:
    def __init__(
        self,
        db: Database,
        access: RoomAccess,
        caches: ChatCaches,
        accounts: AccountService,
        notifier: Notifier,
        slow_mode: SlowMode,
        blocks: BlockService,
        files: FileService,
    ) -> None:
        self._db, self._access, self._caches, self._slow_mode = db, access, caches, slow_mode
        self.files = files
        self._accounts, self._notifier, self.blocks = accounts, notifier, blocks
        self.notices = ChatNotices(notifier)
        self.links = TextLinks(accounts)
        self.lines = SystemLines(caches)
        self._repo = ChatRepository()
        self._links_sent: LinksSent = lambda *_: None

    def use_previews(self, hook: LinksSent) -> None:
        self._links_sent = hook

    # -- serialization ------------------------------------------------------------------------

    async def serialize(
        self, db: AsyncSession, messages: Sequence[MessageRow], viewer: uuid.UUID | None
    ) -> list[MessageRead]:
        ids = [m.id for m in messages]
        reactions = await self._repo.reactions(db, ids, viewer)
        mentioned = await self._repo.mentioned(db, ids)
        people = {m.author_id for m in messages if m.author_id is not None}
        people.update(u for users in mentioned.values() for u in users)
        users = await self._accounts.public_users(db, people)
        files = await self.files.of_messages(db, ids)
        names = {m.id: [users[u].username for u in mentioned.get(m.id, []) if u in users] for m in messages}
        return [message_read(m, users, reactions.get(m.id, []), names[m.id], files.get(m.id, [])) for m in messages]

    # -- sending ------------------------------------------------------------------------------

    @tracing.traced("chat.send_message")
    async def send(self, actor: Actor, room_id: uuid.UUID, data: MessageCreate) -> Sent:
        try:
            async with self._db.writer() as db:
                record, member = await self._access.as_member(db, actor.id, room_id)
                if member.muted_until is not None and as_utc(member.muted_until) > clock.utcnow():
                    until = as_utc(member.muted_until).isoformat()
                    raise Muted(f"You are muted here until {until}.", details={"until": until, "room_id": str(room_id)})
                if data.client_id is not None:
                    existing = await self._repo.message_by_client_id(db, room_id, actor.id, data.client_id)
                    if existing is not None:
                        return Sent((await self.serialize(db, [existing], actor.id))[0], False)
                if record.kind == "dm":  # two people of whom one blocked the other talk no more
                    await self.blocks.refuse_between(db, *record.dm_user_ids)
                if record.slow_mode_seconds and not await self._access.allows(
                    db, actor, Permission.ROOM_MANAGE, record, member
                ):
                    await self._slow_mode.spend(record, actor.id)
                if not await self._repo.lock_room(db, room_id):
                    raise NotFound("No such room.", code=ErrorCode.ROOM_NOT_FOUND)
                body = data.body or ""
                resolved = await self._resolve(db, record, member, actor, body)
                mentioned = await self._visible_to(db, record, resolved.people)
                html = render(body, resolved.links)
                message = await self._insert(db, room_id, actor, data, html, mentioned)
                if data.link_previews is not False:
                    self._links_sent(db, room_id, message.id, body)
                told = {u.id for u in mentioned}
                if resolved.everyone:
                    everyone = await self._repo.member_ids_upto(db, room_id, EVERYONE_LIMIT)
                    told.update(u for u in everyone if u != actor.id)
                await self.notices.sent(db, record, actor.id, message, told)
                # A reply too: it is activity in the room, which orders the room lists.
                await self.after_message_change(db, room_id)
        except IntegrityError:
            # A retry with the same client_id raced the first attempt: return what that one stored.
            async with self._db.reader() as db:
                existing = await self._repo.message_by_client_id(db, room_id, actor.id, data.client_id or "")
                if existing is None:
                    raise
                return Sent((await self.serialize(db, [existing], actor.id))[0], False)
        metrics.CHAT_MESSAGES.labels(record.kind).inc()
        return Sent(message, True)

    async def _resolve(
        self, db: AsyncSession, record: RoomRecord, member: Membership, writer: Actor, body: str
    ) -> Resolved:
        """Pills and links of a message: `#room` to public rooms and the rooms of the room's own sanctum
        (whose members alone read it); `@here`/`@room` from those who manage the room only (asked only
        when the body names one, so a plain message costs no permission check)."""
        everyone = ("@here" in body or "@room" in body) and await self._access.allows(
            db, writer, Permission.ROOM_MANAGE, record, member
        )
        return await self.links.resolve(db, body, writer.id, sanctum_id=record.sanctum, may_call_everyone=everyone)

    async def _visible_to(self, db: AsyncSession, record: RoomRecord, users: list[PublicUser]) -> list[PublicUser]:
        """Mentions resolve only to people who can see the room."""
        if record.kind == "public":
            return users
        return [u for u in users if await self._repo.member(db, record.id, u.id) is not None]

    async def _insert(
        self,
        db: UnitOfWork,
        room_id: uuid.UUID,
        actor: Actor,
        data: MessageCreate,
        html: str,
        mentioned: list[PublicUser],
    ) -> MessageRead:
        """The message's row, its attachments (the sender's uploads), the room's activity, its mentions
        and its events, under the room's lock."""
        body, parent_id = data.body or "", data.parent_message_id
        now = utcnow()
        parent_replies = 0
        if parent_id is not None:
            parent = await self._repo.message(db, room_id, parent_id)
            if parent is None or parent.parent_id is not None or parent.deleted_at is not None:
                raise ValidationFailed(
                    "You can only reply to a message of this room that is not itself a reply.",
                    fields={"parent_message_id": "is not a message you can reply to"},
                )
            parent.reply_count += 1
            parent.last_reply_at = now
            parent_replies = parent.reply_count
        values = {
            "room_id": room_id,
            "author_id": actor.id,
            "kind": "user",
            "body": body,
            "html": html,
            "parent_id": parent_id,
            "client_id": data.client_id,
            "reply_count": 0,
            "previews_off": data.link_previews is False,
            "created_at": now,
        }
        message_id = await self._repo.insert_message(db, values)
        await self._repo.touch_room(db, room_id, now, message_id if parent_id is None else None)
        await self._repo.add_mentions(db, message_id, room_id, [u.id for u in mentioned], now)
        read = MessageRead(
            id=message_id,
            room_id=room_id,
            kind="user",
            author=to_public(actor.user),
            body=body,
            html=html,
            parent_message_id=parent_id,
            reply_count=0,
            last_reply_at=None,
            reactions=[],
            mentions=[u.username for u in mentioned],
            client_id=data.client_id,
            created_at=now,
            edited_at=None,
            deleted=False,
            attachments=await self.files.attach_to_message(db, actor.id, data.attachments, room_id, message_id),
            link_previews=[],
            link_previews_enabled=data.link_previews is not False,
        )
        topic = ev.room_topic(room_id)
        await db.emit(topic, ev.MESSAGE_CREATED, read, ref=ev.message_ref(message_id))
        if parent_id is not None:
            counts = ev.ReplyCounts(id=parent_id, reply_count=parent_replies, last_reply_at=now)
            await db.emit(topic, ev.MESSAGE_UPDATED, counts)
        return read

    async def post_system(self, db: UnitOfWork, room: Room, actor: Actor, text: str) -> None:
        """A system line ("Alice joined the room") inside the caller's unit of work."""
        await self.lines.post(db, room, to_public(actor.user), text)

    async def system_message(
        self,
        db: UnitOfWork,
        room_id: uuid.UUID,
        kind: SystemKind,
        actor: uuid.UUID,
        target: uuid.UUID | None = None,
        detail: str = "",
    ) -> None:
        """A moderation line ("Alice pinned a message", "Bob muted Carol for 10m") in the caller's unit
        of work, for the pin, mute and ban services; nothing if the room or the actor is gone."""
        room = await self._repo.room_for_update(db, room_id)
        people = await self._accounts.public_users(db, [actor, *([target] if target else [])])
        if room is not None and actor in people:
            text = line_text(kind, people[actor], people.get(target) if target else None, detail)
            await self.lines.post(db, room, people[actor], text)
            await self.after_message_change(db, room_id)

    async def after_message_change(self, db: UnitOfWork, room_id: uuid.UUID, lists_too: bool = True) -> None:
        """After commit: the room's newest history page, and (`lists_too`) its members' room lists."""
        db.after_commit(partial(self._caches.bump_history, room_id))
        if lists_too:
            members = await self._repo.member_ids(db, room_id)
            db.after_commit(partial(self._caches.forget_room_lists, members))

    # -- reading ------------------------------------------------------------------------------

    async def history(
        self, actor: Actor, room_id: uuid.UUID, before: int | None, after: int | None, limit: int
    ) -> MessagePage:
        async with self._db.reader() as db:
            await self._access.visible(db, actor.id, room_id)
            if before is None and after is None:
                version = await self._caches.history_version(room_id)
                key = self._caches.history.key(room_id, f"v{version}", limit)
                page = await self._caches.history.get_or_load(
                    key, lambda: self._page(db, room_id, None, None, limit, None)
                )
                return await self._with_my_reactions(db, page, actor.id)
            return await self._page(db, room_id, before, after, limit, actor.id)

    async def _page(
        self,
        db: AsyncSession,
        room_id: uuid.UUID,
        before: int | None,
        after: int | None,
        limit: int,
        viewer: uuid.UUID | None,
    ) -> MessagePage:
        if after is not None and before is None:
            rows = list(reversed(await self._repo.history_after(db, room_id, after, limit + 1)))
            has_more = len(rows) > limit
            rows = rows[-limit:] if has_more else rows
        else:
            rows = list(await self._repo.history(db, room_id, before, after, limit + 1))
            has_more = len(rows) > limit
            rows = rows[:limit]
        items = await self.serialize(db, rows, viewer)
        return MessagePage(items=items, has_more=has_more, next_before=items[-1].id if items and has_more else None)

    async def _with_my_reactions(self, db: AsyncSession, page: MessagePage, viewer: uuid.UUID) -> MessagePage:
        ids = [m.id for m in page.items if m.reactions]
        if not ids:
            return page
        mine = await self._repo.my_reactions(db, ids, viewer)
        # The page may be the near cache's one copy, shared by every reader: change copies only.
        items = [
            m.model_copy(
                update={"reactions": [r.model_copy(update={"me": (m.id, r.emoji) in mine}) for r in m.reactions]}
            )
            if m.reactions
            else m
            for m in page.items
        ]
        return page.model_copy(update={"items": items})

    async def thread(self, actor: Actor, room_id: uuid.UUID, message_id: int, after: int | None, limit: int) -> Thread:
        async with self._db.reader() as db:
            await self._access.visible(db, actor.id, room_id)
            parent = await self._repo.message(db, room_id, message_id)
            if parent is None or parent.parent_id is not None:
                raise NotFound("No such thread.", code=ErrorCode.MESSAGE_NOT_FOUND)
            replies = await self._repo.replies(db, message_id, after, limit + 1)
            has_more = len(replies) > limit
            replies = replies[:limit]
            items = await self.serialize(db, [parent, *replies], actor.id)
        return Thread(
            parent=items[0], replies=items[1:], has_more=has_more, next_after=replies[-1].id if has_more else None
        )

    # -- changing -----------------------------------------------------------------------------

    async def edit(self, actor: Actor, room_id: uuid.UUID, message_id: int, body: str) -> MessageRead:
        """An edit renders the pills and links again, but notifies nobody (the send did)."""
        async with self._db.writer() as db:
            record, member = await self._access.as_member(db, actor.id, room_id)
            html = render(body, (await self._resolve(db, record, member, actor, body)).links)
            message = await self._repo.message(db, room_id, message_id)
            if message is None or message.deleted_at is not None:
                raise NotFound("No such message.", code=ErrorCode.MESSAGE_NOT_FOUND)
            if message.author_id != actor.id or message.kind != "user":
                raise Forbidden("Only the author can edit a message.", code=ErrorCode.NOT_AUTHOR)
            now = utcnow()
            if body != message.body:
                await self._repo.add_edit(db, message.id, message.body, actor.id, now)
                if first_links(body) != first_links(message.body):  # the old cards go; the job makes new ones
                    message.link_previews = None
                    self._links_sent(db, room_id, message.id, body)  # its job does nothing if they are off
                message.body, message.html, message.edited_at = body, html, now
            read = (await self.serialize(db, [message], None))[0]
            # Earlier frames of this message in the log carry the text it replaced: a resume replays
            # the current version only (earlier versions stay in message_edits, the audit trail).
            await db.rewrite(ev.room_topic(room_id), ev.message_ref(message.id), read)
            await db.emit(ev.room_topic(room_id), ev.MESSAGE_UPDATED, read, ref=ev.message_ref(message.id))
            mine = await self._repo.my_reactions(db, [message.id], actor.id)
            await self.after_message_change(db, room_id, lists_too=message.parent_id is None)
        for reaction in read.reactions:
            reaction.me = (message.id, reaction.emoji) in mine
        return read

    async def react(self, actor: Actor, room_id: uuid.UUID, message_id: int, emoji: str, add: bool) -> MessageRead:
        async with self._db.writer() as db:
            await self._access.as_member(db, actor.id, room_id)
            message = await self._repo.message(db, room_id, message_id)
            if message is None or message.deleted_at is not None:
                raise NotFound("No such message.", code=ErrorCode.MESSAGE_NOT_FOUND)
            if add:
                changed = await self._repo.add_reaction(db, message_id, actor.id, emoji, utcnow())
            else:
                changed = await self._repo.remove_reaction(db, message_id, actor.id, emoji)
            if changed:
                count = await self._repo.reaction_count(db, message_id, emoji)
                changed_to = ev.ReactionChanged(message_id=message_id, emoji=emoji, user_id=actor.id, count=count)
                await db.emit(ev.room_topic(room_id), ev.REACTION_ADDED if add else ev.REACTION_REMOVED, changed_to)
                if add:
                    await self.notices.reacted(db, message.author_id, actor.id, room_id, message_id, emoji)
                room = await self._repo.room(db, room_id)
                # The room lists show the last message with its reactions.
                await self.after_message_change(
                    db, room_id, lists_too=room is not None and room.last_message_id == message_id
                )
            return (await self.serialize(db, [message], actor.id))[0]

    # -- read state ---------------------------------------------------------------------------

    async def mark_read(self, actor: Actor, room_id: uuid.UUID, message_id: int) -> ReadState:
        async with self._db.writer() as db:
            record, _ = await self._access.as_member(db, actor.id, room_id)
            room = await self._repo.room(db, room_id)
            newest = room.last_message_id if room is not None else None
            if newest is None or message_id > newest:
                message = await self._repo.message(db, room_id, message_id)
                if message is None:
                    raise ValidationFailed(fields={"message_id": "is not a message of this room"})
            moved = await self._repo.advance_read(db, room_id, actor.id, message_id, delivered_only=False)
            current = await self._repo.member(db, room_id, actor.id)
            assert current is not None
            await db.refresh(current)
            if moved:
                if record.kind == "dm":
                    await self._emit_receipt(db, room_id, current.user_id)
                db.after_commit(partial(self._caches.forget_room_lists, [actor.id]))
            system = room is not None and room.system_messages_unread
            unread = await self._repo.unread_count(db, room_id, actor.id, current.last_read_message_id, system)
        return ReadState(room_id=room_id, last_read_message_id=current.last_read_message_id, unread_count=unread)

    async def mark_delivered(self, user_id: uuid.UUID, room_id: uuid.UUID, message_id: int) -> bool:
        """Receipts are DM-only: a recipient's client reports what reached it."""
        async with self._db.writer() as db:
            record = await self._access.record(db, room_id)
            if record is None or record.kind != "dm" or user_id not in record.dm_user_ids:
                return False
            if await self._repo.message(db, room_id, message_id) is None:
                return False
            if not await self._repo.advance_read(db, room_id, user_id, message_id, delivered_only=True):
                return False
            await self._emit_receipt(db, room_id, user_id)
        return True

    async def _emit_receipt(self, db: UnitOfWork, room_id: uuid.UUID, user_id: uuid.UUID) -> None:
        member = await self._repo.member(db, room_id, user_id)
        assert member is not None
        await db.refresh(member)
        state = ReceiptState(
            user_id=user_id,
            last_delivered_message_id=member.last_delivered_message_id,
            last_read_message_id=member.last_read_message_id,
        )
        await db.emit(ev.room_topic(room_id), ev.RECEIPT_UPDATED, state)

    async def has_written(self, db: AsyncSession, user_id: uuid.UUID) -> bool:
        """Has the user ever sent a message (for Home's first-run checklist)?"""
        return await self._repo.has_written(db, user_id)

    # -- mentions -----------------------------------------------------------------------------

    async def mentions(self, actor: Actor, before: int | None, limit: int) -> MentionPage:
        async with self._db.reader() as db:
            pairs = await self._repo.mentions_of(db, actor.id, before, limit + 1)
            has_more = len(pairs) > limit
            pairs = pairs[:limit]
            visible: list[tuple[Message, Room]] = []
            for message, room in pairs:
                if room.kind == "public" or await self._repo.member(db, room.id, actor.id) is not None:
                    visible.append((message, room))
            reads = await self.serialize(db, [m for m, _ in visible], actor.id)
        items = [
            MentionRead(message=read, room_id=room.id, room_name=room.name)
            for read, (_, room) in zip(reads, visible, strict=True)
        ]
        return MentionPage(items=items, next_before=pairs[-1][0].id if has_more else None)
