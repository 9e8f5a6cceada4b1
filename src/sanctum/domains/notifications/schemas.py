"""Wire models of the notifications API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.notifications.notify import Kind

NotificationKind = Kind


class NotificationRead(BaseModel):
    id: int
    kind: NotificationKind
    actor: PublicUser | None = Field(description="Who did it (the latest one of an aggregated like); null: deleted.")
    actor_count: int = Field(description="How many people are behind it: 4 in 'Alice and 3 others liked your post'.")
    text: str = Field(description="A plain-text sentence for the notification (never HTML).")
    data: dict[str, str] = Field(
        description="Ids of the subject, by kind: room_id and message_id (mention); post_id, target (post|comment), "
        "target_id (post_mention); post_id, comment_id, reply_id "
        "(comment, reply); target (post|comment), target_id, post_id (like); game_id, game (game_invite); room_id, "
        "message_id, emoji (reaction); room_id, parent_id, reply_id, role (author|participant) (thread_reply); "
        "room_id, message_id, room_kind (dm|group) (message); room_id, call_id (missed_call)."
    )
    read: bool
    created_at: datetime
    updated_at: datetime = Field(description="Last change (a new liker): the list is ordered by it, newest first.")


class NotificationPage(BaseModel):
    items: list[NotificationRead]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next (older) page; null at the end.")


SUBJECT_PATTERN = r"^(room|post|game):[A-Za-z0-9-]{1,64}$"


class SubjectViewed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(
        pattern=SUBJECT_PATTERN,
        max_length=80,
        description="What the caller is looking at: `room:{id}`, `post:{id}` or `game:{id}`.",
    )


class UnreadCount(BaseModel):
    unread: int = Field(description="Unread notifications, capped at 100 (show 99+).")
