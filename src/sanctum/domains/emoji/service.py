"""Custom emoji of a sanctum: added and deleted by whoever holds `emoji.manage` there (owners and
admins by default), listed for whoever may see the sanctum.

Rules:
- A name is 2 to 32 of a-z, 0-9 and _ (422 EMOJI_NAME_INVALID), one per sanctum (409 EMOJI_EXISTS,
  checked before the image is examined and again, by the key, in the writer that stores it), at most
  `MAX_PER_SANCTUM` of them (403 QUOTA_EXCEEDED).
- The image is an upload of purpose `emoji` through the files service: sniffed, re-encoded without
  metadata, at most `FILES__EMOJI_SIDE` pixels a side, anything but a JPEG, PNG, GIF or WebP refused
  (415 NOT_AN_IMAGE); readable, like the sanctum's icon, by whoever may see the sanctum. The emoji's
  row is written in the upload's own unit of work, so there is never an emoji without its image or
  an image left behind by a refused name. Deleting the emoji deletes its file (objects after commit).
- A stranger to a private sanctum gets 404 SANCTUM_NOT_FOUND for all of it; someone who may see the
  sanctum but lacks the permission, 403 MISSING_PERMISSION. Adding and deleting are audited.
- Adding or deleting one emits `emoji.changed` on every room of the sanctum (main room and channels),
  in the same unit of work, so the pickers of members in any of them reload the list at once.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import Conflict, ErrorCode, Forbidden, NotFound, QuotaExceeded, ValidationFailed
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import Actor
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.chat.sanctum_rooms import SanctumRooms
from sanctum.domains.emoji.repository import EmojiRepository
from sanctum.domains.emoji.schemas import NAME_PATTERN, CustomEmojiList, CustomEmojiRead
from sanctum.domains.files.schemas import FileRead
from sanctum.domains.files.service import FileService
from sanctum.domains.roles.permissions import Permission
from sanctum.domains.sanctums.service import SanctumService

MAX_PER_SANCTUM = 200
_NAME = re.compile(NAME_PATTERN)


def _exists() -> Conflict:
    return Conflict("This sanctum has an emoji of this name.", code=ErrorCode.EMOJI_EXISTS, fields={"name": "is taken"})


class CustomEmojiService:
    def __init__(
        self, db: Database, files: FileService, sanctums: SanctumService, rooms: SanctumRooms, audit: AuditLog
    ) -> None:
        self._db, self.files, self._sanctums, self._rooms, self._audit = db, files, sanctums, rooms, audit
        self._repo = EmojiRepository()

    async def list(self, actor: Actor, sanctum_id: uuid.UUID) -> CustomEmojiList:
        async with self._db.reader() as db:
            await self._sanctums.access_by_id(db, actor.id, sanctum_id)
            return CustomEmojiList(items=[_read(row) for row in await self._repo.of_sanctum(db, sanctum_id)])

    async def add(self, actor: Actor, sanctum_id: uuid.UUID, name: str, data: bytes) -> CustomEmojiRead:
        if not _NAME.match(name):
            raise ValidationFailed(
                "An emoji's name is 2 to 32 of a-z, 0-9 and _.",
                code=ErrorCode.EMOJI_NAME_INVALID,
                fields={"name": "must be 2 to 32 of a-z, 0-9 and _"},
            )
        async with self._db.reader() as db:
            await self._managed(db, actor, sanctum_id)
            if await self._repo.get(db, sanctum_id, name) is not None:
                raise _exists()
            if await self._repo.count(db, sanctum_id) >= MAX_PER_SANCTUM:
                raise QuotaExceeded("custom_emoji", MAX_PER_SANCTUM, f"A sanctum has at most {MAX_PER_SANCTUM} emoji.")
        made: list[CustomEmojiRead] = []

        async def along_with(db: UnitOfWork, image: FileRead) -> None:
            row: dict[str, Any] = {
                "sanctum_id": sanctum_id,
                "name": name,
                "file_id": image.id,
                "created_by": actor.id,
                "created_at": utcnow(),
            }
            if not await self._repo.add(db, row):
                raise _exists()
            await self._audit.record(
                db, actor, AuditAction.EMOJI_ADD, "emoji", name, sanctum_id=sanctum_id, metadata={"file": image.id}
            )
            await self._rooms.emoji_changed(db, sanctum_id, name, deleted=False)
            made.append(CustomEmojiRead(**row))

        await self.files.upload(actor.id, name, data, "emoji", sanctum_id, along_with)
        return made[0]

    async def delete(self, actor: Actor, sanctum_id: uuid.UUID, name: str) -> None:
        async with self._db.writer() as db:
            await self._managed(db, actor, sanctum_id)
            row = await self._repo.get(db, sanctum_id, name)
            if row is None:
                raise NotFound("No such emoji.", code=ErrorCode.EMOJI_NOT_FOUND)
            await self._repo.delete(db, sanctum_id, name)
            await self.files.drop_files(db, [row.file_id])
            await self._audit.record(db, actor, AuditAction.EMOJI_DELETE, "emoji", name, sanctum_id=sanctum_id)
            await self._rooms.emoji_changed(db, sanctum_id, name, deleted=True)

    async def _managed(self, db: AsyncSession, actor: Actor, sanctum_id: uuid.UUID) -> None:
        found = await self._sanctums.access_by_id(db, actor.id, sanctum_id)
        if not await self._sanctums.may(db, actor, Permission.EMOJI_MANAGE, found):
            raise Forbidden("You need the emoji.manage permission here.", code=ErrorCode.MISSING_PERMISSION)


def _read(row: object) -> CustomEmojiRead:
    return CustomEmojiRead.model_validate(row, from_attributes=True)
