"""HTTP routes of posts, comments and feeds: parse, authenticate, call the service, serialize."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Path, Query, Response, status

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.accounts.schemas import USERNAME_PATTERN
from sanctum.domains.posts.deps import CommentServiceDep, FeedServiceDep, PostPreviewsDep, PostServiceDep
from sanctum.domains.posts.schemas import (
    MAX_ID,
    CommentCreate,
    CommentPage,
    CommentRead,
    CommentUpdate,
    LikeState,
    PostCreate,
    PostPage,
    PostRead,
    PostUpdate,
)
from sanctum.domains.posts.service import Created
from sanctum.domains.previews.schemas import LinkPreviewsUpdate
from sanctum.domains.sanctums.schemas import SLUG_PATTERN

posts = DomainRouter(prefix="/api/posts", tags=["posts"], responses=ERROR_RESPONSES)
comments = DomainRouter(prefix="/api/comments", tags=["comments"], responses=ERROR_RESPONSES)
feeds = DomainRouter(prefix="/api", tags=["feed"], responses=ERROR_RESPONSES)
T = TypeVar("T")

PostId = Annotated[int, Path(ge=1, le=MAX_ID)]
CommentId = Annotated[int, Path(ge=1, le=MAX_ID)]
Before = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Posts older than this id.")]
Limit = Annotated[int, Query(ge=1, le=100)]


def replayed_as_200(result: Created[T], response: Response) -> T:
    """A create a retry's client_id found already made answers 200 instead of 201."""
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return result.item


@posts.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PostRead,
    responses={200: {"model": PostRead}},
    dependencies=[per_account("post")],
)
async def create_post(body: PostCreate, actor: CurrentActor, service: PostServiceDep, response: Response) -> PostRead:
    """Post in a sanctum you are a member of, or on your profile (markdown). Retrying with the same
    `client_id` returns the first post (200)."""
    return replayed_as_200(await service.create(actor, body), response)


@posts.get("/{post_id}", response_model=PostRead)
async def get_post(post_id: PostId, actor: CurrentActor, service: PostServiceDep) -> PostRead:
    return await service.get(actor, post_id)


@posts.patch("/{post_id}", response_model=PostRead, dependencies=[per_account("edit")])
async def edit_post(post_id: PostId, body: PostUpdate, actor: CurrentActor, service: PostServiceDep) -> PostRead:
    """Edit your own post."""
    return await service.edit(actor, post_id, body.body)


@posts.put("/{post_id}/link-previews", response_model=PostRead, dependencies=[per_account("edit")])
async def set_post_link_previews(
    post_id: PostId, body: LinkPreviewsUpdate, actor: CurrentActor, service: PostPreviewsDep
) -> PostRead:
    """Turn your post's link preview cards off (they go at once) or on again (they come back shortly)."""
    return await service.set_enabled(actor, post_id, body.enabled)


@posts.delete("/{post_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("write")])
async def delete_post(post_id: PostId, actor: CurrentActor, service: PostServiceDep) -> None:
    """Delete your post (or any, as a moderator of its sanctum), with its comments and likes."""
    await service.delete(actor, post_id)


@posts.post("/{post_id}/like", response_model=LikeState, dependencies=[per_account("reaction")])
async def like_post(post_id: PostId, actor: CurrentActor, service: PostServiceDep) -> LikeState:
    """Like (idempotent)."""
    return await service.like(actor, post_id, add=True)


@posts.delete("/{post_id}/like", response_model=LikeState, dependencies=[per_account("reaction")])
async def unlike_post(post_id: PostId, actor: CurrentActor, service: PostServiceDep) -> LikeState:
    """Take a like back (idempotent)."""
    return await service.like(actor, post_id, add=False)


@posts.get("/{post_id}/comments", response_model=CommentPage)
async def list_comments(
    post_id: PostId,
    actor: CurrentActor,
    service: CommentServiceDep,
    after: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Limit = 50,
) -> CommentPage:
    """Top-level comments, oldest first, each with up to 100 replies."""
    return await service.list(actor, post_id, after, limit)


@posts.post(
    "/{post_id}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentRead,
    dependencies=[per_account("comment")],
    responses={200: {"model": CommentRead}},
)
async def create_comment(
    post_id: PostId, body: CommentCreate, actor: CurrentActor, service: CommentServiceDep, response: Response
) -> CommentRead:
    """Comment on a post, or reply to a top-level comment with `parent_id`. Retrying with the same
    `client_id` returns the first comment (200)."""
    return replayed_as_200(await service.create(actor, post_id, body), response)


@comments.patch("/{comment_id}", response_model=CommentRead, dependencies=[per_account("edit")])
async def edit_comment(
    comment_id: CommentId, body: CommentUpdate, actor: CurrentActor, service: CommentServiceDep
) -> CommentRead:
    return await service.edit(actor, comment_id, body.body)


@comments.delete("/{comment_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("write")])
async def delete_comment(comment_id: CommentId, actor: CurrentActor, service: CommentServiceDep) -> None:
    """Delete your comment (or any, as a moderator of the post's sanctum), with its replies."""
    await service.delete(actor, comment_id)


@comments.post("/{comment_id}/like", response_model=LikeState, dependencies=[per_account("reaction")])
async def like_comment(comment_id: CommentId, actor: CurrentActor, service: CommentServiceDep) -> LikeState:
    return await service.like(actor, comment_id, add=True)


@comments.delete("/{comment_id}/like", response_model=LikeState, dependencies=[per_account("reaction")])
async def unlike_comment(comment_id: CommentId, actor: CurrentActor, service: CommentServiceDep) -> LikeState:
    return await service.like(actor, comment_id, add=False)


@feeds.get("/feed", response_model=PostPage)
async def get_feed(actor: CurrentActor, service: FeedServiceDep, before: Before = None, limit: Limit = 20) -> PostPage:
    """Posts from the caller's sanctums and the profile posts of the caller and their friends, newest first."""
    return await service.home(actor, before, limit)


@feeds.get("/sanctums/{slug}/posts", response_model=PostPage)
async def list_sanctum_posts(
    slug: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=40)],
    actor: CurrentActor,
    service: FeedServiceDep,
    before: Before = None,
    limit: Limit = 20,
) -> PostPage:
    return await service.sanctum(actor, slug, before, limit)


@feeds.get("/users/{username}/posts", response_model=PostPage)
async def list_user_posts(
    username: Annotated[str, Path(pattern=USERNAME_PATTERN)],
    actor: CurrentActor,
    service: FeedServiceDep,
    before: Before = None,
    limit: Limit = 20,
) -> PostPage:
    """The posts on a user's profile."""
    return await service.profile(actor, username, before, limit)
