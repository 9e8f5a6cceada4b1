"""Uploads, checked downloads, and attachments' lives inside their containers' units of work.

Rules:
- An upload is decided by its bytes (sniff.py); the bytes are stored before the row that names them
  is committed, and removed again if that commit fails. `FILES__MAX_UPLOAD_BYTES` bounds a file
  (413 FILE_TOO_LARGE, enforced by the route while it reads), `FILES__QUOTA_BYTES_PER_USER` what one
  account's files add up to (403 QUOTA_EXCEEDED). `admit` is the one gate every upload passes.
- Access follows the container: an attachment not yet sent is its owner's alone; one in a message is
  readable by whoever may read the room now (a former member of a private room or DM no longer), one
  in a post by whoever may see the post, an icon or a custom emoji by whoever may see the sanctum, an
  avatar by anyone
  (an `<img>` shows it without a token: it is as public as an avatar link). The checks for rooms,
  posts and sanctums are the chat, posts and sanctums services'
  (`use_checks`, wired in services.py), so this domain imports none of them. A refusal is 404
  FILE_NOT_FOUND, which says nothing of whether the file exists.
- An upload not attached within `FILES__UNATTACHED_TTL_HOURS` (24) stops counting against the quota
  and is deleted, rows and objects, by its owner's next upload.
- A message or post takes its attachments in its own writer (`attach_to_message`/`attach_to_post`:
  one UPDATE of files its author uploaded and has not attached elsewhere); deleting the message or
  post deletes their rows in that writer and their objects after the commit; a deleted room or account
  has its files swept by a job (sweep.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal

from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core import clock
from sanctum.core.errors import AppError, ErrorCode, NotFound, QuotaExceeded, ValidationFailed
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import Actor
from sanctum.domains.files.repository import FileRepository
from sanctum.domains.files.schemas import FileRead
from sanctum.domains.files.sniff import IMAGE_TYPES, Examined, examine
from sanctum.domains.files.sweep import FileSweep
from sanctum.jobs import JobQueue
from sanctum.observability.logging import get_logger
from sanctum.storage import FileStore, StoredObject
from sanctum.storage.settings import FileSettings

log = get_logger("sanctum.files")

Purpose = Literal["attachment", "avatar", "icon", "emoji"]
# What the caller stores with an upload, in the upload's own unit of work (a custom emoji's row).
AlongWith = Callable[[UnitOfWork, FileRead], Awaitable[None]]
# (session, viewer, container id) -> may the viewer read it?
RoomCheck = Callable[[AsyncSession, uuid.UUID, uuid.UUID], Awaitable[bool]]
PostCheck = Callable[[AsyncSession, uuid.UUID, int], Awaitable[bool]]
SanctumCheck = Callable[[AsyncSession, uuid.UUID, uuid.UUID], Awaitable[bool]]
ManageCheck = Callable[[AsyncSession, Actor, uuid.UUID], Awaitable[bool]]
# Images served inline: our own re-encodings of these raster formats, nothing else.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


class FileTooLarge(AppError):
    status_code = 413
    code = ErrorCode.FILE_TOO_LARGE
    message = "This file is larger than uploads may be."
    public_details = True


def file_not_found() -> NotFound:
    return NotFound("No such file.", code=ErrorCode.FILE_NOT_FOUND)


def to_read(row: Any) -> FileRead:
    return FileRead(
        id=row.id,
        name=row.name,
        content_type=row.content_type,
        size=row.size,
        is_image=row.content_type in INLINE_TYPES and row.width is not None,
        width=row.width,
        height=row.height,
        has_thumbnail=row.thumbnail_key is not None,
        created_at=row.created_at,
    )


@dataclass(frozen=True, slots=True)
class Download:
    name: str
    content_type: str
    data: bytes
    inline: bool


async def _nobody(*_: Any) -> bool:
    return False


class FileService:
    def __init__(self, db: Database, store: FileStore, settings: FileSettings, jobs: JobQueue) -> None:
        self._db, self.store, self.settings, self._repo = db, store, settings, FileRepository()
        self.sweep = FileSweep(db, store, jobs)  # a deleted room's or account's files (sweep.py)
        # Pillow's own bomb guard, past ours (which reads the canvas size before decoding).
        Image.MAX_IMAGE_PIXELS = settings.max_image_pixels
        self._room_check: RoomCheck = _nobody
        self._post_check: PostCheck = _nobody
        self._sanctum_read: SanctumCheck = _nobody
        self._sanctum_manage: ManageCheck = _nobody
        self._gate: Callable[[uuid.UUID], None] = lambda _user: None

    def use_checks(
        self, *, room: RoomCheck, post: PostCheck, sanctum_read: SanctumCheck, sanctum_manage: ManageCheck
    ) -> None:
        self._room_check, self._post_check = room, post
        self._sanctum_read, self._sanctum_manage = sanctum_read, sanctum_manage

    def use_gate(self, gate: Callable[[uuid.UUID], None]) -> None:
        """What an attachment's upload must pass first (the `uploads` feature flag): raises to refuse."""
        self._gate = gate

    def limit_for(self, purpose: Purpose) -> int:
        s = self.settings
        return s.max_upload_bytes if purpose == "attachment" else s.max_image_upload_bytes

    def too_large(self, purpose: Purpose) -> FileTooLarge:
        limit = self.limit_for(purpose)
        return FileTooLarge(f"Files may be at most {limit} bytes.", details={"limit_bytes": limit})

    # -- uploading ----------------------------------------------------------------------------

    async def admit(self, owner_id: uuid.UUID, purpose: Purpose, size: int) -> None:
        """The one gate every upload passes before its bytes are examined: the `uploads` feature flag
        (attachments; avatars and icons are not behind it), the size, and the quota."""
        if purpose == "attachment":
            self._gate(owner_id)
        if size > self.limit_for(purpose):
            raise self.too_large(purpose)
        if size == 0:
            raise ValidationFailed("The file is empty.", fields={"file": "is empty"})
        async with self._db.reader() as db:
            used = await self._repo.used_bytes(db, owner_id, self._cutoff())
        self._check_quota(used, size)

    def _cutoff(self) -> datetime:
        """Uploads older than this and still unattached are expired."""
        return clock.utcnow() - timedelta(hours=self.settings.unattached_ttl_hours)

    def _check_quota(self, used: int, size: int) -> None:
        quota = self.settings.quota_bytes_per_user
        if used + size > quota:
            raise QuotaExceeded("file_bytes", quota, f"Your files would pass your {quota} byte quota.")

    async def upload(
        self,
        owner_id: uuid.UUID,
        name: str,
        data: bytes,
        purpose: Purpose = "attachment",
        sanctum_id: uuid.UUID | None = None,
        along_with: AlongWith | None = None,
    ) -> FileRead:
        """Store an upload; `along_with` runs in the writer that records it (whatever it raises undoes
        the upload, its objects included)."""
        await self.admit(owner_id, purpose, len(data))
        s = self.settings
        side = {"attachment": None, "emoji": s.emoji_side}.get(purpose, s.avatar_side)
        examined = await asyncio.to_thread(
            partial(
                examine,
                data,
                name,
                max_pixels=s.max_image_pixels,
                thumbnail_side=s.thumbnail_side,
                image_only_side=side,
            )
        )
        file_id = uuid.uuid4()
        keys = await self._store(file_id, examined)
        try:
            async with self._db.writer() as db:
                cutoff = self._cutoff()
                self._check_quota(await self._repo.used_bytes(db, owner_id, cutoff), len(examined.data))
                replaced = await self._replaced(db, owner_id, purpose, sanctum_id)
                # The owner's uploads left unattached past their time go with this upload.
                await self.drop(db, [*replaced, *await self._repo.expired(db, owner_id, cutoff)])
                row = self._row(file_id, owner_id, purpose, examined, keys, sanctum_id)
                await self._repo.insert(db, row)
                stored = to_read(_Row(**row))
                if along_with is not None:
                    await along_with(db, stored)
        except BaseException:
            await self._remove(keys)
            raise
        log.info("file_uploaded", file_id=str(file_id), purpose=purpose, size=len(examined.data))
        return stored

    async def _store(self, file_id: uuid.UUID, examined: Examined) -> list[str]:
        keys = [f"files/{file_id.hex[:2]}/{file_id.hex}"]
        await self.store.put(keys[0], examined.data, examined.content_type)
        if examined.thumbnail is not None:
            keys.append(f"{keys[0]}.thumb")
            try:
                await self.store.put(keys[1], examined.thumbnail.data, examined.thumbnail.content_type)
            except BaseException:
                await self._remove(keys[:1])
                raise
        return keys

    @staticmethod
    def _row(
        file_id: uuid.UUID,
        owner_id: uuid.UUID,
        purpose: str,
        examined: Examined,
        keys: list[str],
        sanctum_id: uuid.UUID | None,
    ) -> dict[str, Any]:
        return {
            "id": file_id,
            "owner_id": owner_id,
            "purpose": purpose,
            "name": examined.name,
            "content_type": examined.content_type,
            "size": len(examined.data),
            "width": examined.image.width if examined.image else None,
            "height": examined.image.height if examined.image else None,
            "storage_key": keys[0],
            "thumbnail_key": keys[1] if len(keys) > 1 else None,
            "message_id": None,
            "room_id": None,
            "post_id": None,
            "sanctum_id": sanctum_id,
            "created_at": clock.utcnow(),
        }

    async def _replaced(
        self, db: UnitOfWork, owner_id: uuid.UUID, purpose: Purpose, sanctum_id: uuid.UUID | None
    ) -> Sequence[Any]:
        """An avatar or icon replaces the one before it."""
        if purpose == "avatar":
            return await self._repo.owned(db, owner_id, "avatar")
        if purpose == "icon" and sanctum_id is not None:
            return await self._repo.icons(db, sanctum_id)
        return ()

    async def upload_icon(self, actor: Actor, sanctum_id: uuid.UUID, name: str, data: bytes) -> FileRead:
        """A sanctum's icon, from someone who holds sanctum.manage there (404 for anyone else)."""
        async with self._db.reader() as db:
            if not await self._sanctum_manage(db, actor, sanctum_id):
                raise NotFound("No such sanctum.", code=ErrorCode.SANCTUM_NOT_FOUND)
        return await self.upload(actor.id, name, data, "icon", sanctum_id)

    # -- containers, in their units of work -------------------------------------------------------

    async def attach_to_message(
        self, db: UnitOfWork, owner_id: uuid.UUID, ids: Sequence[uuid.UUID], room_id: uuid.UUID, message_id: int
    ) -> list[FileRead]:
        """Take the sender's unattached uploads into the message (no statement when there are none)."""
        if not ids:
            return []
        unique = list(dict.fromkeys(ids))
        self._check_count(unique)
        if await self._repo.attach_to_message(db, owner_id, unique, room_id, message_id) != len(unique):
            raise _invalid()
        return self._in_order(await self._repo.by_ids(db, unique), unique)

    async def attach_to_post(
        self, db: UnitOfWork, owner_id: uuid.UUID, ids: Sequence[uuid.UUID], post_id: int
    ) -> list[FileRead]:
        if not ids:
            return []
        unique = list(dict.fromkeys(ids))
        self._check_count(unique)
        if await self._repo.attach_to_post(db, owner_id, unique, post_id) != len(unique):
            raise _invalid()
        return self._in_order(await self._repo.by_ids(db, unique), unique)

    def _check_count(self, ids: list[uuid.UUID]) -> None:
        if len(ids) > self.settings.max_attachments:
            raise ValidationFailed(
                f"At most {self.settings.max_attachments} attachments.", fields={"attachments": "too many"}
            )

    @staticmethod
    def _in_order(rows: Sequence[Any], ids: list[uuid.UUID]) -> list[FileRead]:
        by_id = {row.id: row for row in rows}
        return [to_read(by_id[i]) for i in ids if i in by_id]

    async def of_messages(self, db: AsyncSession, message_ids: Sequence[int]) -> dict[int, list[FileRead]]:
        found: dict[int, list[FileRead]] = {}
        if message_ids:
            for row in await self._repo.of_messages(db, message_ids):
                found.setdefault(row.message_id, []).append(to_read(row))
        return found

    async def of_posts(self, db: AsyncSession, post_ids: Sequence[int]) -> dict[int, list[FileRead]]:
        found: dict[int, list[FileRead]] = {}
        if post_ids:
            for row in await self._repo.of_posts(db, post_ids):
                found.setdefault(row.post_id, []).append(to_read(row))
        return found

    async def drop_message(self, db: UnitOfWork, message_id: int) -> None:
        await self.drop(db, await self._repo.of_messages(db, [message_id]))

    async def drop_post(self, db: UnitOfWork, post_id: int) -> None:
        await self.drop(db, await self._repo.of_posts(db, [post_id]))

    async def drop_files(self, db: UnitOfWork, ids: Sequence[uuid.UUID]) -> None:
        """Delete these files (a custom emoji's image) in the caller's unit of work."""
        if ids:
            await self.drop(db, await self._repo.by_ids(db, ids))

    async def drop(self, db: UnitOfWork, rows: Sequence[Any]) -> None:
        """Delete the rows now and their objects once the deletion is committed."""
        if not rows:
            return
        keys = [k for row in rows for k in (row.storage_key, row.thumbnail_key) if k is not None]
        await self._repo.delete(db, [row.id for row in rows])
        db.after_commit(partial(self._remove, keys))

    async def _remove(self, keys: Sequence[str]) -> None:
        for key in keys:
            try:
                await self.store.delete(key)
            except Exception as exc:  # an orphan object costs disk, not correctness: log and go on
                log.warning("file_object_not_deleted", key=key, error=type(exc).__name__)

    # -- downloading ----------------------------------------------------------------------------

    async def download(self, viewer: uuid.UUID, file_id: uuid.UUID, thumbnail: bool = False) -> Download:
        async with self._db.reader() as db:
            row = await self._repo.get(db, file_id)
            if row is None or not await self._may_read(db, viewer, row):
                raise file_not_found()
        key = row.thumbnail_key if thumbnail else row.storage_key
        if key is None:
            raise file_not_found()
        found: StoredObject | None = await self.store.get(key)
        if found is None:
            raise file_not_found()
        content_type = _thumbnail_type(found) if thumbnail else row.content_type
        return Download(row.name, content_type, found.data, content_type in INLINE_TYPES)

    async def _may_read(self, db: AsyncSession, viewer: uuid.UUID, row: Any) -> bool:
        if row.purpose == "avatar":
            return True
        if row.purpose in ("icon", "emoji"):
            return row.sanctum_id is not None and await self._sanctum_read(db, viewer, row.sanctum_id)
        if row.room_id is not None:
            return await self._room_check(db, viewer, row.room_id)
        if row.post_id is not None:
            return await self._post_check(db, viewer, row.post_id)
        return bool(row.owner_id == viewer)

    async def avatar_of(self, user_id: uuid.UUID) -> Download:
        async with self._db.reader() as db:
            rows = await self._repo.owned(db, user_id, "avatar")
        if not rows:
            raise file_not_found()
        return await self.download(user_id, rows[0].id)

    async def icon_of(self, viewer: uuid.UUID, sanctum_id: uuid.UUID) -> Download:
        async with self._db.reader() as db:
            rows = await self._repo.icons(db, sanctum_id)
        if not rows:
            raise file_not_found()
        return await self.download(viewer, rows[0].id)


def _thumbnail_type(found: StoredObject) -> str:
    data = found.data
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


def _invalid() -> ValidationFailed:
    return ValidationFailed(
        "An attachment is not a file you uploaded, or is attached already.",
        code=ErrorCode.ATTACHMENT_INVALID,
        fields={"attachments": "names a file you cannot attach"},
    )


class _Row:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


__all__ = ["IMAGE_TYPES", "Download", "FileService", "FileTooLarge", "to_read"]
