"""Wire models of the posts domain: the API contract."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from sanctum.core.ids import ClientId
from sanctum.core.text import Body
from sanctum.domains.accounts.schemas import PublicUser, Strict
from sanctum.domains.previews.schemas import LinkPreview
from sanctum.domains.sanctums.schemas import SanctumRef

MAX_POST = 10_000
MAX_COMMENT = 4_000
MAX_ID = 2**62
LikeTarget = Literal["post", "comment"]

PostBody = Annotated[str, Body("post", max_length=MAX_POST)]
CommentBody = Annotated[str, Body("comment", max_length=MAX_COMMENT)]


class PostCreate(Strict):
    body: PostBody
    sanctum_id: uuid.UUID | None = Field(None, description="Post in this sanctum; omit to post on your profile.")
    client_id: ClientId = None
    link_previews: bool | None = Field(None, description="False: no preview cards for this post's links.")


class PostUpdate(Strict):
    body: PostBody


class CommentCreate(Strict):
    body: CommentBody
    parent_id: int | None = Field(None, ge=1, le=MAX_ID, description="Reply to this top-level comment.")
    client_id: ClientId = None


class CommentUpdate(Strict):
    body: CommentBody


class PostRead(BaseModel):
    id: int
    author: PublicUser | None = Field(description="Null for a deleted user.")
    sanctum: SanctumRef | None = Field(description="Null for a post on the author's profile.")
    body: str = Field(description="Raw markdown.")
    html: str = Field(
        description='Rendered and sanitized HTML. Show it in an element with dir="auto" so bidi characters in it '
        "stay inside (docs/text.md)."
    )
    created_at: datetime
    edited_at: datetime | None
    like_count: int
    comment_count: int = Field(description="Comments and replies.")
    liked_by_me: bool
    link_previews: list[LinkPreview] = Field(
        description="Cards of its first links; they arrive later, in post.previews."
    )
    link_previews_enabled: bool = Field(description="False once the author turned previews off for it.")


class PostPage(BaseModel):
    items: list[PostRead] = Field(description="Newest first.")
    next_before: int | None = Field(description="Pass as `before` for the next, older page.")


class CommentRead(BaseModel):
    id: int
    post_id: int
    parent_id: int | None
    author: PublicUser | None = Field(description="Null for a deleted user.")
    body: str
    html: str
    created_at: datetime
    edited_at: datetime | None
    like_count: int
    liked_by_me: bool
    reply_count: int
    removed_by_moderator: bool = Field(False, description="Removed by a moderator: no body, replies kept.")
    replies: list[CommentRead] = Field(default_factory=list, description="Oldest first (top-level comments only).")


class CommentPage(BaseModel):
    items: list[CommentRead] = Field(description="Top-level comments, oldest first, each with its replies.")
    next_after: int | None = Field(description="Pass as `after` for the next page.")


class LikeState(BaseModel):
    target: LikeTarget
    id: int
    like_count: int
    liked_by_me: bool
