"""System lines in rooms ("Alice joined the room", "Bob pinned a message", "Carol muted Dan for 10m").

Rule: a system line is a message of kind `system`, styled apart by the web app and not counted as
unread unless the room asks for it (`rooms.system_messages_unread`). `SystemLines.post` writes one
(or, with `kind="user"`, a bot's message) inside the caller's unit of work; `line_text` says what a
moderation action reads as, so every caller words it the same way.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Literal

from pydantic import TypeAdapter

from sanctum.core.clock import utcnow
from sanctum.core.markdown import render, render_plain
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import ChatCaches
from sanctum.domains.chat.models import Message, Room
from sanctum.domains.chat.repository import MessageRow
from sanctum.domains.chat.schemas import MessageRead, ReactionCount
from sanctum.domains.previews.schemas import LinkPreview

_CARDS = TypeAdapter(list[LinkPreview])

SystemKind = Literal[
    "joined", "left", "pinned", "unpinned", "muted", "unmuted", "banned", "unbanned", "missed_call", "call"
]

_TEMPLATES: dict[SystemKind, str] = {
    "joined": "{actor} joined the room",
    "left": "{actor} left the room",
    "pinned": "{actor} pinned a message",
    "unpinned": "{actor} unpinned a message",
    "muted": "{actor} muted {target}",
    "unmuted": "{actor} unmuted {target}",
    "banned": "{actor} banned {target}",
    "unbanned": "{actor} unbanned {target}",
    # Calls (domains/calls): `detail` is the length ("4 min").
    "missed_call": "Missed call",
    "call": "Call,",
}


def line_text(kind: SystemKind, actor: PublicUser, target: PublicUser | None = None, detail: str = "") -> str:
    """The words of a system line; `detail` ("for 10 minutes") follows them."""
    target_name = target.display_name if target is not None else "someone"
    text = _TEMPLATES[kind].format(actor=actor.display_name, target=target_name)
    return f"{text} {detail}".strip()


def message_read(
    m: MessageRow,
    authors: dict[uuid.UUID, PublicUser],
    reactions: list[tuple[str, int, bool]],
    mentions: list[str],
) -> MessageRead:
    """A message as the API shows it (every message, not only system lines, is read through here)."""
    deleted = m.deleted_at is not None
    return MessageRead(
        id=m.id,
        room_id=m.room_id,
        kind="system" if m.kind == "system" else "user",
        author=authors.get(m.author_id) if m.author_id is not None else None,
        body="" if deleted else m.body,
        html="" if deleted else m.html,
        parent_message_id=m.parent_id,
        reply_count=m.reply_count,
        last_reply_at=m.last_reply_at,
        reactions=[] if deleted else [ReactionCount(emoji=e, count=c, me=me) for e, c, me in reactions],
        mentions=[] if deleted else mentions,
        client_id=m.client_id,
        created_at=m.created_at,
        edited_at=m.edited_at,
        deleted=deleted,
        removed_by_moderator=deleted and m.removed_by_moderator,
        link_previews=_CARDS.validate_json(m.link_previews) if m.link_previews and not deleted else [],
        link_previews_enabled=not m.previews_off,
    )


class SystemLines:
    def __init__(self, caches: ChatCaches) -> None:
        self._caches = caches

    async def post(
        self, db: UnitOfWork, room: Room, author: PublicUser | None, body: str, *, kind: str = "system"
    ) -> MessageRead:
        """Write the line into `room` (locked or new in this unit of work) and emit it."""
        now = utcnow()
        html = render_plain(body) if kind == "system" else render(body)
        message = Message(
            room_id=room.id,
            author_id=author.id if author is not None else None,
            kind=kind,
            body=body,
            html=html,
            reply_count=0,
            created_at=now,
        )
        db.add(message)
        await db.flush()
        room.last_activity_at = now
        room.last_message_id = message.id
        read = message_read(message, {author.id: author} if author is not None else {}, [], [])
        await db.emit(ev.room_topic(room.id), ev.MESSAGE_CREATED, read, ref=ev.message_ref(message.id))
        db.after_commit(partial(self._caches.bump_history, room.id))
        return read
