"""Wire models of custom emoji."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

# A shortcode name: what goes between the colons of `:name:`.
NAME_PATTERN = r"^[a-z0-9_]{2,32}$"


class CustomEmojiRead(BaseModel):
    """A sanctum's custom emoji: written `:name:` in messages and reactions. Its image is a checked
    download, `GET /api/files/{file_id}`, for whoever may see the sanctum."""

    name: str = Field(description="2 to 32 of a-z, 0-9 and _.")
    file_id: uuid.UUID
    created_by: uuid.UUID | None = Field(description="Who uploaded it (None once their account is gone).")
    created_at: datetime


class CustomEmojiList(BaseModel):
    items: list[CustomEmojiRead] = Field(description="By name.")
