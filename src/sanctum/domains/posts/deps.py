"""Dependency aliases for post routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.posts.comments import CommentService
from sanctum.domains.posts.feed import FeedService
from sanctum.domains.posts.previews import PostPreviews
from sanctum.domains.posts.service import PostService

PostServiceDep = Annotated[PostService, Depends(provide(PostService))]
CommentServiceDep = Annotated[CommentService, Depends(provide(CommentService))]
FeedServiceDep = Annotated[FeedService, Depends(provide(FeedService))]
PostPreviewsDep = Annotated[PostPreviews, Depends(provide(PostPreviews))]
