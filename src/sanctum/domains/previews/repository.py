"""Every query of the previews domain; no commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.domains.previews.models import PreviewImage

_images = table_of(PreviewImage)
_IMAGE = select(_images.c.content_type, _images.c.data).where(_images.c.id == bindparam("id"))


class PreviewRepository:
    async def add_image(
        self, db: AsyncSession, data: bytes, content_type: str, width: int, height: int, now: datetime
    ) -> uuid.UUID:
        image_id = uuid.uuid4()
        values = {"id": image_id, "content_type": content_type, "data": data, "width": width, "height": height}
        await db.execute(insert(_images).values(**values, created_at=now))
        return image_id

    async def image(self, db: AsyncSession, image_id: uuid.UUID) -> tuple[str, bytes] | None:
        row = (await db.execute(_IMAGE, {"id": image_id})).first()
        return (row.content_type, row.data) if row is not None else None
