"""The files service, built, and who may read a file, wired: the files domain asks the chat, posts
and sanctums services through checks given here, so it imports none of them (docs/files.md, "Who may
read a file"). Part of the composition root, beside services.py."""

from __future__ import annotations

import contextlib
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.errors import NotFound
from sanctum.db.database import Database
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.audit.service import AuditLog
from sanctum.domains.chat.access import RoomAccess
from sanctum.domains.chat.sanctum_rooms import SanctumRooms
from sanctum.domains.emoji.service import CustomEmojiService
from sanctum.domains.files.service import FileService
from sanctum.domains.flags.catalogue import UPLOADS
from sanctum.domains.flags.service import FlagService
from sanctum.domains.posts.service import PostService
from sanctum.domains.roles.permissions import Permission
from sanctum.domains.sanctums.service import SanctumService
from sanctum.jobs import JobQueue
from sanctum.settings import Settings
from sanctum.storage import build_file_store

__all__ = ["CustomEmojiService", "FileService", "build_files", "use_file_checks"]


def build_files(
    db: Database, settings: Settings, flags: FlagService, jobs: JobQueue, accounts: AccountService
) -> FileService:
    """Uploads on the store the settings name (S3 when FILES__S3_BUCKET is set, the local disk otherwise);
    attachments follow the `uploads` feature flag; a deleted account's files are swept."""
    files = FileService(db, build_file_store(settings.files), settings.files, jobs)
    files.use_gate(lambda user_id: flags.require(UPLOADS, user_id))
    accounts.use_deletion_hook(files.sweep.account_deleted)
    return files


def use_file_checks(
    db: Database,
    files: FileService,
    rooms: RoomAccess,
    posts: PostService,
    sanctums: SanctumService,
    sanctum_rooms: SanctumRooms,
    audit: AuditLog,
) -> CustomEmojiService:
    """Who may read a file follows its container: the chat, posts and sanctums services decide. Returns
    the sanctums' custom emoji, whose images are files readable as their sanctum is."""

    async def room(db: AsyncSession, user_id: uuid.UUID, room_id: uuid.UUID) -> bool:
        with contextlib.suppress(NotFound):
            return bool(await rooms.visible(db, user_id, room_id))
        return False

    async def post(db: AsyncSession, user_id: uuid.UUID, post_id: int) -> bool:
        with contextlib.suppress(NotFound):
            return bool(await posts.visible(db, user_id, post_id))
        return False

    async def sanctum(db: AsyncSession, user_id: uuid.UUID, sanctum_id: uuid.UUID) -> bool:
        with contextlib.suppress(NotFound):
            return bool(await sanctums.access_by_id(db, user_id, sanctum_id))
        return False

    async def manage(db: AsyncSession, actor: Actor, sanctum_id: uuid.UUID) -> bool:
        with contextlib.suppress(NotFound):
            found = await sanctums.access_by_id(db, actor.id, sanctum_id)
            return await sanctums.may(db, actor, Permission.SANCTUM_MANAGE, found)
        return False

    files.use_checks(room=room, post=post, sanctum_read=sanctum, sanctum_manage=manage)
    return CustomEmojiService(db, files, sanctums, sanctum_rooms, audit)
