"""Wire models of the friends domain: the API contract."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from sanctum.domains.accounts.schemas import PublicUser, Strict

FriendStatus = Literal["none", "friends", "outgoing", "incoming"]


class FriendRequestCreate(Strict):
    user_id: uuid.UUID


class Friend(BaseModel):
    user: PublicUser
    since: datetime


class FriendList(BaseModel):
    items: list[Friend] = Field(description="By display name.")


class FriendRequestRead(BaseModel):
    user: PublicUser = Field(description="The other person: who sent it (incoming) or who it is for (outgoing).")
    created_at: datetime


class FriendRequests(BaseModel):
    incoming: list[FriendRequestRead] = Field(description="Newest first.")
    outgoing: list[FriendRequestRead] = Field(description="Newest first.")


class FriendState(BaseModel):
    user_id: uuid.UUID
    status: FriendStatus
