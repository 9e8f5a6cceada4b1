"""A message as a report sees it, for the reports domain, in the caller's session.

The reporter must be able to see the message (a public room, or one they are in); otherwise it is a
404 that reveals nothing, as for any other read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.errors import ErrorCode, NotFound
from sanctum.domains.chat.access import RoomAccess
from sanctum.domains.chat.repository import ChatRepository


@dataclass(frozen=True, slots=True)
class ReportedMessage:
    id: int
    room_id: uuid.UUID
    sanctum_id: uuid.UUID | None
    author_id: uuid.UUID | None
    body: str
    created_at: datetime


class ChatContent:
    def __init__(self, access: RoomAccess) -> None:
        self._access = access
        self._repo = ChatRepository()

    async def message(self, db: AsyncSession, viewer: uuid.UUID, message_id: int) -> ReportedMessage:
        found = await self._repo.message_by_id(db, message_id)
        missing = NotFound("No such message.", code=ErrorCode.MESSAGE_NOT_FOUND)
        if found is None or found.kind != "user" or found.deleted_at is not None:
            raise missing
        try:
            record, _ = await self._access.visible(db, viewer, found.room_id)
        except NotFound as exc:
            raise missing from exc
        return ReportedMessage(found.id, found.room_id, record.sanctum, found.author_id, found.body, found.created_at)
