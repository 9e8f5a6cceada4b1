"""Wire models of files: what an upload returns and what a message or post shows of its attachments."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class FileRead(BaseModel):
    """An uploaded file. Fetch its bytes from `GET /api/files/{id}` (and `/thumbnail` when
    `has_thumbnail`) with the access token: a checked download, never a link that works alone."""

    id: uuid.UUID
    name: str = Field(description="The uploader's name for it (an image's extension is that of what is stored).")
    content_type: str = Field(description="Decided from the bytes, not the name.")
    size: int = Field(description="Bytes, as stored (an image after re-encoding).")
    is_image: bool
    width: int | None
    height: int | None
    has_thumbnail: bool = False
    created_at: datetime
