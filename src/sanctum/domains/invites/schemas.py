"""Wire models of the invites domain: the API contract.

A token travels only in request bodies (the web app keeps it in the link's `#fragment`, which browsers
never send to a server), never in a path or query string, so it reaches no access log.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from sanctum.domains.accounts.schemas import Strict

TOKEN_PATTERN = r"^[A-Za-z0-9_-]{20,64}$"
InviteToken = Annotated[str, StringConstraints(pattern=TOKEN_PATTERN, min_length=20, max_length=64)]
InviteState = Literal["active", "expired", "revoked", "used_up"]
TargetKind = Literal["sanctum", "room"]

MAX_LIFETIME_SECONDS = 30 * 24 * 3600


class InviteLinkCreate(Strict):
    expires_in_seconds: int | None = Field(
        7 * 24 * 3600,
        ge=60,
        le=MAX_LIFETIME_SECONDS,
        description="How long the link works, from now (60 s to 30 days); null: until revoked.",
    )
    max_uses: int | None = Field(None, ge=1, le=10_000, description="How many people it may let in; null: no limit.")


class InviteRead(BaseModel):
    id: uuid.UUID
    hint: str = Field(description="The token's last four characters, to tell links apart.")
    target: TargetKind
    sanctum_id: uuid.UUID | None
    room_id: uuid.UUID | None
    created_by: uuid.UUID | None
    created_at: datetime
    expires_at: datetime | None
    max_uses: int | None
    uses: int
    revoked_at: datetime | None
    state: InviteState


class InviteCreated(InviteRead):
    token: str = Field(description="Shown once: only its hash is stored. The link is `/invite#<token>`.")


class InviteList(BaseModel):
    items: list[InviteRead] = Field(description="Newest first, at most 100.")


class InviteTokenBody(Strict):
    token: InviteToken


class InvitePreview(BaseModel):
    """What a link leads to, shown before signing in: enough to decide, nothing more."""

    target: TargetKind
    name: str
    description: str
    member_count: int
    invited_by: str | None = Field(description="The display name of whoever made the link.")
    expires_at: datetime | None


class InviteRedeemed(BaseModel):
    target: TargetKind
    sanctum_slug: str | None = Field(description="The sanctum joined, for a sanctum's link.")
    room_id: uuid.UUID | None = Field(description="The room joined (a sanctum's main room for a sanctum's link).")
    joined: bool = Field(description="False when the caller was already a member (no use is counted).")
