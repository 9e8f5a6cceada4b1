"""Every query of data exports; no commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.db.dialect import affected
from sanctum.domains.export.models import DataExport, DataExportChunk

_EXPORTS = table_of(DataExport)
_CHUNKS = table_of(DataExportChunk)
_CHUNK = select(_CHUNKS.c.data).where(_CHUNKS.c.export_id == bindparam("export_id"), _CHUNKS.c.seq == bindparam("seq"))


class ExportRepository:
    async def get(self, db: AsyncSession, export_id: uuid.UUID) -> DataExport | None:
        return await db.get(DataExport, export_id, populate_existing=True)

    async def latest(self, db: AsyncSession, user_id: uuid.UUID, limit: int) -> Sequence[DataExport]:
        stmt = (
            select(DataExport)
            .where(DataExport.user_id == user_id)
            .order_by(DataExport.requested_at.desc(), DataExport.id)
            .limit(limit)
        )
        return list((await db.execute(stmt)).scalars())

    async def add_chunk(self, db: AsyncSession, export_id: uuid.UUID, seq: int, data: bytes) -> None:
        await db.execute(insert(_CHUNKS).values(export_id=export_id, seq=seq, data=data))

    async def chunk_count(self, db: AsyncSession, export_id: uuid.UUID) -> int:
        stmt = select(_CHUNKS.c.seq).where(_CHUNKS.c.export_id == export_id).order_by(_CHUNKS.c.seq.desc()).limit(1)
        last = (await db.execute(stmt)).scalar_one_or_none()
        return 0 if last is None else int(last) + 1

    async def chunk(self, db: AsyncSession, export_id: uuid.UUID, seq: int) -> bytes | None:
        return (await db.execute(_CHUNK, {"export_id": export_id, "seq": seq})).scalar_one_or_none()

    async def claim_download(self, db: AsyncSession, user_id: uuid.UUID, export_id: uuid.UUID, now: datetime) -> bool:
        """Ready, the caller's and not expired becomes downloaded, once: a second claim finds nothing."""
        stmt = (
            update(_EXPORTS)
            .where(
                _EXPORTS.c.id == export_id,
                _EXPORTS.c.user_id == user_id,
                _EXPORTS.c.status == "ready",
                _EXPORTS.c.expires_at > now,
            )
            .values(status="downloaded", downloaded_at=now, download_digest=None, download_until=None)
        )
        return affected(await db.execute(stmt)) == 1

    async def expired_ids(self, db: AsyncSession, now: datetime, limit: int = 100) -> list[uuid.UUID]:
        stmt = (
            select(_EXPORTS.c.id)
            .where(_EXPORTS.c.status == "ready", _EXPORTS.c.expires_at <= now)
            .order_by(_EXPORTS.c.expires_at)
            .limit(limit)
        )
        return list((await db.execute(stmt)).scalars())

    async def mark_expired(self, db: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
        if ids:
            stmt = update(_EXPORTS).where(_EXPORTS.c.id.in_(list(ids)), _EXPORTS.c.status == "ready")
            await db.execute(stmt.values(status="expired"))

    async def drop_chunks(self, db: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
        if ids:
            await db.execute(delete(_CHUNKS).where(_CHUNKS.c.export_id.in_(list(ids))))
