"""Wire models of Home."""

from __future__ import annotations

from pydantic import BaseModel, Field

from sanctum.domains.chat.schemas import MyRoom
from sanctum.domains.friends.schemas import FriendRequestRead
from sanctum.domains.games.schemas import GameRoomRead
from sanctum.domains.notifications.schemas import NotificationRead
from sanctum.domains.posts.schemas import PostRead


class Checklist(BaseModel):
    """The first-run checklist: each step is done once the person has done it at least once."""

    in_sanctum: bool = Field(description="Joined or created a sanctum.")
    said_hello: bool = Field(description="Sent a message in a room.")
    has_friend: bool = Field(description="Has a friend.")
    played_game: bool = Field(description="Took a seat in a game.")
    done: bool = Field(description="Every step is done: the checklist is not shown any more.")


class HomeRead(BaseModel):
    checklist: Checklist
    first_sanctum: bool = Field(description="The instance has no sanctum yet: offer to create the first one.")
    unread_rooms: list[MyRoom] = Field(description="Rooms and DMs with unread messages, latest activity first.")
    your_turn: list[GameRoomRead] = Field(description="Turn-based games waiting for the caller's move.")
    friend_requests: list[FriendRequestRead] = Field(description="Requests waiting for the caller's answer.")
    mentions: list[NotificationRead] = Field(description="Unread mentions of the caller (chat, posts, comments).")
    new_posts: list[PostRead] = Field(description="The newest posts others made in the caller's sanctums.")
