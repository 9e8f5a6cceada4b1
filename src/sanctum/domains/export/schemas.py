"""Wire models of data exports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

ExportStatus = Literal["pending", "ready", "downloaded", "expired", "failed"]


class ExportRead(BaseModel):
    id: uuid.UUID
    status: ExportStatus = Field(
        description="pending (being built), ready (download it once), downloaded, "
        "expired (not downloaded within 24 h) or failed."
    )
    requested_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None = Field(description="Until when the ready archive can be downloaded.")
    size_bytes: int


class ExportList(BaseModel):
    items: list[ExportRead] = Field(description="The caller's latest exports, newest first.")
