"""Dependency aliases for friends routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.friends.service import FriendService

FriendServiceDep = Annotated[FriendService, Depends(provide(FriendService))]
