"""HTTP routes of friends: parse, authenticate, call the service, serialize."""

from __future__ import annotations

import uuid

from fastapi import status

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor
from sanctum.domains.friends.deps import FriendServiceDep
from sanctum.domains.friends.schemas import FriendList, FriendRequestCreate, FriendRequests, FriendState

friends = DomainRouter(prefix="/api/friends", tags=["friends"], responses=ERROR_RESPONSES)


@friends.get("", response_model=FriendList)
async def list_friends(actor: CurrentActor, service: FriendServiceDep) -> FriendList:
    return await service.friends(actor)


@friends.get("/requests", response_model=FriendRequests)
async def list_friend_requests(actor: CurrentActor, service: FriendServiceDep) -> FriendRequests:
    """Requests others sent the caller (incoming) and the caller's own pending ones (outgoing)."""
    return await service.requests(actor)


@friends.post("/requests", response_model=FriendState)
async def send_friend_request(body: FriendRequestCreate, actor: CurrentActor, service: FriendServiceDep) -> FriendState:
    """Ask someone to be friends. Idempotent; if they already asked the caller, this accepts."""
    return await service.send(actor, body.user_id)


@friends.post("/requests/{user_id}/accept", response_model=FriendState)
async def accept_friend_request(user_id: uuid.UUID, actor: CurrentActor, service: FriendServiceDep) -> FriendState:
    return await service.accept(actor, user_id)


@friends.post("/requests/{user_id}/decline", status_code=status.HTTP_204_NO_CONTENT)
async def decline_friend_request(user_id: uuid.UUID, actor: CurrentActor, service: FriendServiceDep) -> None:
    await service.decline(actor, user_id)


@friends.delete("/requests/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def cancel_friend_request(user_id: uuid.UUID, actor: CurrentActor, service: FriendServiceDep) -> None:
    """Take back a request the caller sent."""
    await service.cancel(actor, user_id)


@friends.get("/{user_id}", response_model=FriendState)
async def get_friend_state(user_id: uuid.UUID, actor: CurrentActor, service: FriendServiceDep) -> FriendState:
    """Where the caller stands with this person: none, friends, outgoing or incoming."""
    return await service.state(actor, user_id)


@friends.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_friend(user_id: uuid.UUID, actor: CurrentActor, service: FriendServiceDep) -> None:
    await service.unfriend(actor, user_id)
