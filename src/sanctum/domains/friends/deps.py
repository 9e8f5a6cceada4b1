"""Dependency aliases for friends routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sanctum.domains.friends.service import FriendService


def get_friend_service(request: Request) -> FriendService:
    service: FriendService = request.app.state.friends
    return service


FriendServiceDep = Annotated[FriendService, Depends(get_friend_service)]
