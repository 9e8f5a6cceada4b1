"""Dependency aliases for post routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sanctum.domains.posts.comments import CommentService
from sanctum.domains.posts.feed import FeedService
from sanctum.domains.posts.service import PostService


def get_post_service(request: Request) -> PostService:
    service: PostService = request.app.state.posts
    return service


def get_comment_service(request: Request) -> CommentService:
    service: CommentService = request.app.state.comments
    return service


def get_feed_service(request: Request) -> FeedService:
    service: FeedService = request.app.state.feed
    return service


PostServiceDep = Annotated[PostService, Depends(get_post_service)]
CommentServiceDep = Annotated[CommentService, Depends(get_comment_service)]
FeedServiceDep = Annotated[FeedService, Depends(get_feed_service)]
