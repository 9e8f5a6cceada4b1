"""History around a message: the page a room opens at when someone follows a search result to it.

The same access rule as the history read (the room is visible to the caller, or 404) and the same
rows and serialization as `MessageService.history` (chat's repository and serializer), read in one
reader: the message and about half the page older, half newer, the other side filling in when one
runs out; `has_more` / `next_before` page older as usual, `has_newer` says whether newer ones remain
(the client catches up with `after`).
"""

from __future__ import annotations

import uuid

from sanctum.domains.accounts.service import Actor
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.schemas import MessagePage


async def history_around(chat: MessageService, actor: Actor, room_id: uuid.UUID, at: int, limit: int) -> MessagePage:
    async with chat._db.reader() as db:
        await chat._access.visible(db, actor.id, room_id)
        rows, older, newer = await chat._repo.history_around(db, room_id, at, limit)
        items = await chat.serialize(db, rows, actor.id)
    return MessagePage(items=items, has_more=older, has_newer=newer, next_before=items[-1].id if older else None)
