"""Wire models of search: one page per kind of result, each with its own cursor."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.sanctums.schemas import SanctumRef

SearchKind = Literal["messages", "posts", "comments", "sanctums", "rooms", "users"]


class Segment(BaseModel):
    """A piece of a snippet: plain text, `match` where the query matched. Render it as text."""

    text: str
    match: bool


class MessageHit(BaseModel):
    id: int
    room_id: uuid.UUID
    room_name: str = Field(description="The room's name; for a direct message, the other person's display name.")
    room_kind: str
    parent_id: int | None = Field(description="The thread's first message when this is a reply.")
    author: PublicUser | None
    created_at: datetime
    edited_at: datetime | None
    snippet: list[Segment]


class PostHit(BaseModel):
    id: int
    sanctum: SanctumRef | None
    author: PublicUser | None
    created_at: datetime
    snippet: list[Segment]


class CommentHit(BaseModel):
    id: int
    post_id: int
    author: PublicUser | None
    created_at: datetime
    snippet: list[Segment]


class SanctumHit(BaseModel):
    id: uuid.UUID
    slug: str
    name: str
    description: list[Segment]


class RoomHit(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    topic: list[Segment]


class MessageResults(BaseModel):
    items: list[MessageHit] = []
    next_cursor: str | None = None


class PostResults(BaseModel):
    items: list[PostHit] = []
    next_cursor: str | None = None


class CommentResults(BaseModel):
    items: list[CommentHit] = []
    next_cursor: str | None = None


class SanctumResults(BaseModel):
    items: list[SanctumHit] = []
    next_cursor: str | None = None


class RoomResults(BaseModel):
    items: list[RoomHit] = []
    next_cursor: str | None = None


class UserResults(BaseModel):
    items: list[PublicUser] = []
    next_cursor: str | None = None


class SearchResults(BaseModel):
    """Results grouped by kind, best first (relevance weighed by recency for text, names for the rest).
    Asked with `kind`, only that group is filled and `cursor` pages it."""

    messages: MessageResults = MessageResults()
    posts: PostResults = PostResults()
    comments: CommentResults = CommentResults()
    sanctums: SanctumResults = SanctumResults()
    rooms: RoomResults = RoomResults()
    users: UserResults = UserResults()
