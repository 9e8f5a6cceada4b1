"""Wire models of the reports domain: the API contract."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from sanctum.core.text import Body
from sanctum.domains.accounts.schemas import PublicUser, Strict

Details = Annotated[str, Body("report details", max_length=1000, may_be_empty=True)]

TargetType = Literal["message", "post", "comment", "user"]
Reason = Literal["spam", "harassment", "hate", "illegal", "other"]
Status = Literal["open", "resolved"]
Action = Literal["dismiss", "delete", "mute", "ban", "suspend"]


class ReportCreate(Strict):
    target_type: TargetType
    target_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[0-9a-fA-F-]{1,64}$",
        description="A message, post or comment id, or a user id.",
    )
    reason: Reason
    details: Details = Field("", description="What happened, in the reporter's words.")


class ReportResolve(Strict):
    action: Action = Field(description="dismiss; or delete the content, mute, ban or suspend its author.")
    note: Details = ""
    duration_seconds: int | None = Field(None, ge=60, le=365 * 86400, description="For mute, ban or suspend.")


class TargetHistory(BaseModel):
    reports: int = Field(description="Reports about this person's content or them, this one included.")
    actioned: int = Field(description="Of those, how many a moderator acted on (not dismissed).")


class ReportRead(BaseModel):
    id: uuid.UUID
    target_type: TargetType
    target_id: str
    target_user: PublicUser | None
    sanctum_id: uuid.UUID | None
    room_id: uuid.UUID | None
    reason: Reason
    details: str
    snapshot: dict[str, Any] = Field(description="The content as it was reported: body, author, created_at.")
    status: Status
    resolution: Action | None
    resolution_note: str
    resolved_by: PublicUser | None
    resolved_at: datetime | None
    created_at: datetime
    reporter: PublicUser | None = Field(description="Shown to moderators only; null for the reporter's own copy.")
    reporter_count: int = Field(description="Open reports about the same target, from different people.")
    history: TargetHistory


class ReportPage(BaseModel):
    items: list[ReportRead] = Field(description="Newest first.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at the end.")
