"""Data export: a user asks for an archive of what they put into Sanctum, a job builds it, they
download it once.

Rules: one export at a time per user (asking while one is being built returns that one); the archive
holds the user's profile, messages, posts, comments, friends and game history, and nobody else's
writing (friends appear as their public names only). It can be downloaded once, by its owner (an
access token, or from a browser the export's own one-minute HttpOnly cookie; never a token in a URL),
within `EXPORTS__TTL_SECONDS` (24 h) of being built; then its bytes are deleted: right after the
download (an `exports.purge` job), or by the sweep that every request and build runs when it expired.
The builder reads one page of rows at a time and the download streams one chunk at a time, so
neither holds a whole history in memory.
"""

from __future__ import annotations

import hmac
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import Conflict, ErrorCode, Gone, NotFound
from sanctum.core.ids import new_token
from sanctum.core.security import token_digest
from sanctum.db.database import Database
from sanctum.domains.accounts.archive import profile_of
from sanctum.domains.accounts.service import AccountService
from sanctum.domains.chat.archive import messages_page
from sanctum.domains.export.archive import SPOOL_BYTES, ArchiveWriter
from sanctum.domains.export.models import DataExport
from sanctum.domains.export.repository import ExportRepository
from sanctum.domains.export.schemas import ExportList, ExportRead
from sanctum.domains.friends.service import FriendService
from sanctum.domains.games.records import GameRecords
from sanctum.domains.posts.archive import comments_page, posts_page
from sanctum.jobs import JobQueue, Payload, PermanentJobError
from sanctum.observability.logging import get_logger
from sanctum.settings_groups import ExportSettings

log = get_logger("sanctum.export")

BUILD_JOB = "exports.build"
PURGE_JOB = "exports.purge"
COOKIE_TTL = timedelta(seconds=60)
STALE_PENDING = timedelta(hours=1)  # a build that never finished stops blocking a new request
Page = Callable[[AsyncSession, uuid.UUID, int, int], Awaitable[list[dict[str, Any]]]]


def _read(row: DataExport, now: datetime) -> ExportRead:
    status = row.status
    if status == "ready" and row.expires_at is not None and row.expires_at <= now:
        status = "expired"
    return ExportRead(
        id=row.id,
        status=status,
        requested_at=row.requested_at,
        ready_at=row.ready_at,
        expires_at=row.expires_at,
        size_bytes=row.size_bytes,
    )


class ExportService:
    def __init__(
        self,
        db: Database,
        settings: ExportSettings,
        jobs: JobQueue,
        accounts: AccountService,
        friends: FriendService,
        games: GameRecords,
    ) -> None:
        self._db = db
        self._settings = settings
        self._jobs = jobs
        self._accounts = accounts
        self._friends = friends
        self._games = games
        self._repo = ExportRepository()
        self.clock: Callable[[], datetime] = utcnow

    # -- requests -----------------------------------------------------------------------------

    async def request(self, user_id: uuid.UUID) -> ExportRead:
        now = self.clock()
        async with self._db.writer() as db:
            await self._sweep(db, now)
            for row in await self._repo.latest(db, user_id, 1):
                if row.status == "pending" and row.requested_at > now - STALE_PENDING:
                    return _read(row, now)
            row = DataExport(id=uuid.uuid4(), user_id=user_id, status="pending", requested_at=now, size_bytes=0)
            db.add(row)
            await db.flush()
            self._jobs.enqueue_after_commit(db, BUILD_JOB, {"export_id": str(row.id)})  # survives a crash
            return _read(row, now)

    async def list(self, user_id: uuid.UUID) -> ExportList:
        now = self.clock()
        async with self._db.reader() as db:
            return ExportList(items=[_read(row, now) for row in await self._repo.latest(db, user_id, 5)])

    async def download_cookie(self, user_id: uuid.UUID, export_id: uuid.UUID) -> str:
        """A secret for the download cookie (valid COOKIE_SECONDS, for this export only), so the
        browser can download the archive itself, streamed to disk, with no token in the URL."""
        now = self.clock()
        secret = new_token()
        async with self._db.writer() as db:
            row = await self._available(db, user_id, export_id, now)
            row.download_digest, row.download_until = token_digest(secret), now + COOKIE_TTL
        return secret

    async def _available(self, db: AsyncSession, user_id: uuid.UUID, export_id: uuid.UUID, now: datetime) -> DataExport:
        row = await self._repo.get(db, export_id)
        if row is None or row.user_id != user_id:
            raise NotFound("No such export.", code=ErrorCode.EXPORT_NOT_FOUND)
        if row.status == "pending":
            raise Conflict("The archive is still being built.", code=ErrorCode.EXPORT_NOT_READY)
        if row.status != "ready" or row.expires_at is None or row.expires_at <= now:
            raise Gone("This archive was already downloaded or has expired.", code=ErrorCode.EXPORT_GONE)
        return row

    async def download(
        self, user_id: uuid.UUID | None, export_id: uuid.UUID, cookie: str | None = None
    ) -> tuple[ExportRead, AsyncIterator[bytes]]:
        """Claim the one download (refused with 404, 409 not ready, or 410 used or expired), and the
        archive's bytes as a stream; once it has been streamed its bytes are deleted. The caller is
        `user_id` (an access token) or, without one, whoever holds the export's download cookie."""
        now = self.clock()
        async with self._db.writer() as db:
            row = await self._repo.get(db, export_id)
            if user_id is None and row is not None and self._cookie_matches(row, cookie, now):
                user_id = row.user_id
            if row is None or user_id is None or row.user_id != user_id:
                raise NotFound("No such export.", code=ErrorCode.EXPORT_NOT_FOUND)
            if row.status == "pending":
                raise Conflict("The archive is still being built.", code=ErrorCode.EXPORT_NOT_READY)
            claimed = await self._repo.claim_download(db, user_id, export_id, now)
            if not claimed:
                await self._sweep(db, now)  # committed: an expired archive loses its bytes now
            read = _read(row, now)
        if not claimed:
            raise Gone("This archive was already downloaded or has expired.", code=ErrorCode.EXPORT_GONE)
        return read, self._stream(export_id)

    @staticmethod
    def _cookie_matches(row: DataExport, cookie: str | None, now: datetime) -> bool:
        if not cookie or row.download_digest is None or row.download_until is None or row.download_until <= now:
            return False
        return hmac.compare_digest(row.download_digest, token_digest(cookie))

    async def _stream(self, export_id: uuid.UUID) -> AsyncIterator[bytes]:
        try:
            async with self._db.reader() as db:
                for seq in range(await self._repo.chunk_count(db, export_id)):
                    chunk = await self._repo.chunk(db, export_id, seq)
                    if chunk is not None:
                        yield chunk
        finally:
            await self._jobs.enqueue(PURGE_JOB, {"export_id": str(export_id)})

    # -- jobs ---------------------------------------------------------------------------------

    async def build(self, payload: Payload) -> None:
        export_id = _export_id(payload)
        async with self._db.reader() as db:
            row = await self._repo.get(db, export_id)
            if row is None or row.status != "pending":
                return  # a repeated job, or an account deleted meanwhile
            user_id = row.user_id
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as file:
            try:
                counts = await self._write(file, user_id, export_id)
            except Exception:
                log.exception("export_failed", export_id=str(export_id))
                async with self._db.writer() as db:
                    failed = await self._repo.get(db, export_id)
                    if failed is not None and failed.status == "pending":
                        failed.status = "failed"
                return
            size = file.tell()
            file.seek(0)
            now = self.clock()
            async with self._db.writer() as db:
                await self._sweep(db, now)
                seq = 0
                while chunk := file.read(self._settings.chunk_bytes):
                    await self._repo.add_chunk(db, export_id, seq, chunk)
                    seq += 1
                row = await self._repo.get(db, export_id)
                if row is None:
                    return
                row.status, row.ready_at, row.size_bytes = "ready", now, size
                row.expires_at = now + timedelta(seconds=self._settings.ttl_seconds)
        log.info("export_ready", export_id=str(export_id), size_bytes=size, **counts)

    async def purge(self, payload: Payload) -> None:
        export_id = _export_id(payload)
        async with self._db.writer() as db:
            await self._repo.drop_chunks(db, [export_id])
            await self._sweep(db, self.clock())

    async def _sweep(self, db: AsyncSession, now: datetime) -> None:
        """Expired archives lose their bytes (a bounded batch per call)."""
        ids = await self._repo.expired_ids(db, now)
        await self._repo.drop_chunks(db, ids)
        await self._repo.mark_expired(db, ids)

    # -- the archive --------------------------------------------------------------------------

    async def _write(self, file: IO[bytes], user_id: uuid.UUID, export_id: uuid.UUID) -> dict[str, int]:
        counts: dict[str, int] = {}
        with ArchiveWriter(file) as archive:
            async with self._db.reader() as db:
                profile = await profile_of(db, user_id)
                friend_ids = await self._friends.friend_ids(db, user_id)
                friends = await self._accounts.public_users(db, friend_ids)
            archive.document("profile.json", profile)
            archive.document(
                "friends.json",
                [{"id": str(p.id), "username": p.username, "display_name": p.display_name} for p in friends.values()],
            )
            counts["friends"] = len(friends)
            for name, page in (("messages", messages_page), ("posts", posts_page), ("comments", comments_page)):
                counts[name] = await self._pages(archive, f"{name}.json", page, user_id)
            games = archive.array("games.json")
            cursor: str | None = None
            while True:
                history = await self._games.history(user_id, cursor, 100)
                for entry in history.games:
                    games.add(entry.model_dump(mode="json"))
                cursor = history.next_cursor
                if cursor is None:
                    break
            counts["games"] = archive.end_array()
            archive.document(
                "manifest.json",
                {"export_id": str(export_id), "user_id": str(user_id), "built_at": self.clock().isoformat(), **counts},
            )
        return counts

    async def _pages(self, archive: ArchiveWriter, name: str, page: Page, user_id: uuid.UUID) -> int:
        """Every row `page` gives, in keyset pages each read in a short reader of its own."""
        out = archive.array(name)
        after = 0
        while True:
            async with self._db.reader() as db:
                rows = await page(db, user_id, after, self._settings.batch_rows)
            for row in rows:
                out.add(row)
            if len(rows) < self._settings.batch_rows:
                return archive.end_array()
            after = int(rows[-1]["id"])


def _export_id(payload: Payload) -> uuid.UUID:
    try:
        return uuid.UUID(str(payload["export_id"]))
    except (KeyError, ValueError) as exc:
        raise PermanentJobError(f"bad export payload: {exc!r}") from exc


def register_jobs(queue: JobQueue, service: ExportService) -> None:
    queue.register(BUILD_JOB, service.build)
    queue.register(PURGE_JOB, service.purge)
