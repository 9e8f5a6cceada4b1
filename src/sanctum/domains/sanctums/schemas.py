"""Wire models of the sanctums domain: the API contract."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from sanctum.core.text import Body, Name
from sanctum.domains.accounts.schemas import PublicUser, Strict

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$"
Visibility = Literal["public", "private"]
# A built-in role (owner, admin, moderator, member) or one of the sanctum's custom roles.
Role = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,31}$", min_length=2, max_length=32)]

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=3, max_length=40)]
SanctumName = Annotated[str, Name("sanctum name", max_length=80)]
Description = Annotated[str, Body("sanctum description", max_length=1000, may_be_empty=True)]


class SanctumCreate(Strict):
    name: SanctumName
    slug: Slug = Field(description="3-40 lowercase letters, digits or hyphens; the sanctum's address.")
    description: Description = ""
    visibility: Visibility = "public"


class SanctumUpdate(Strict):
    name: SanctumName | None = None
    description: Description | None = None
    visibility: Visibility | None = None


class RoleChange(Strict):
    role: Role = Field(description="Any role but owner (hand the sanctum over with /transfer).")


class MemberAdd(Strict):
    user_id: uuid.UUID


class SanctumRead(BaseModel):
    id: uuid.UUID
    slug: str
    name: str
    description: str
    visibility: Visibility
    member_count: int
    created_at: datetime
    room_id: uuid.UUID | None = Field(description="The sanctum's main chat room.")
    my_role: str | None = Field(None, description="Null when the caller is not a member.")
    my_permissions: list[str] = Field(
        [], description="What the caller may do here (the sanctum's detail only; docs/moderation.md)."
    )


class SanctumPage(BaseModel):
    items: list[SanctumRead]
    next_cursor: str | None


class SanctumMemberRead(BaseModel):
    user: PublicUser
    role: str
    joined_at: datetime


class SanctumMemberList(BaseModel):
    items: list[SanctumMemberRead]


class SanctumRef(BaseModel):
    """How a post names the sanctum it is in."""

    id: uuid.UUID
    slug: str
    name: str
    visibility: Visibility
