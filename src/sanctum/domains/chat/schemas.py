"""Wire models of the chat domain: the API contract."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from sanctum.core.text import Body, Name
from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.files.schemas import FileRead
from sanctum.domains.previews.schemas import LinkPreview

MAX_BODY = 4_000
RoomKind = Literal["public", "private", "dm", "group"]
CreatableKind = Literal["public", "private", "group"]
# A room role (owner, moderator, member) or, in a sanctum's rooms, the member's sanctum role.
Role = str

_EMOJI_SHORTCODE = re.compile(r"^:[a-z0-9_+-]{1,32}:$")


def _emoji_part(c: str) -> bool:
    """Whether `c` may appear in an emoji: no letters, separators, control, format or unassigned
    characters (so nothing invisible or text-like), except the joiner and tags of emoji sequences."""
    if c == "\u200d" or "\U000e0020" <= c <= "\U000e007f":
        return True
    category = unicodedata.category(c)
    return category[0] not in "LZC" and (category[0] != "N" or c.isascii())


def _emoji(value: str) -> str:
    if _EMOJI_SHORTCODE.match(value):
        return value
    if (
        not 1 <= len(value) <= 16
        or any(c.isspace() or c in "<>&\"'" or not _emoji_part(c) for c in value)
        or value.isascii()
    ):
        raise ValueError("must be an emoji or a :shortcode:")
    return value


Emoji = Annotated[str, Field(min_length=1, max_length=34), AfterValidator(_emoji)]
RoomName = Annotated[str, Name("room name", max_length=80)]
Topic = Annotated[str, Body("room topic", max_length=250, may_be_empty=True)]
Description = Annotated[str, Body("room description", max_length=1000, may_be_empty=True)]
MessageBody = Annotated[str, Body("message", max_length=MAX_BODY)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL cannot store or even compare text containing NUL: refuse it as input, not as a 500.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class RoomCreate(Strict):
    kind: CreatableKind = "public"
    name: RoomName
    topic: Topic = ""
    description: Description = ""
    member_ids: list[uuid.UUID] = Field(default_factory=list, max_length=49, description="People to add at once.")


class RoomUpdate(Strict):
    name: RoomName | None = None
    topic: Topic | None = None
    description: Description | None = None
    slow_mode_seconds: int | None = Field(
        None, ge=0, le=6 * 3600, description="Members may send one message per this many seconds; 0 turns it off."
    )
    system_messages_unread: bool | None = Field(
        None, description="Whether system lines (joins, leaves, pins, mutes, bans) count as unread."
    )


class DmCreate(Strict):
    user_id: uuid.UUID


class Invite(Strict):
    user_id: uuid.UUID


Attachments = Annotated[
    list[uuid.UUID],
    Field(max_length=50, description="Ids of files you uploaded (`POST /api/files`) and have not attached yet."),
]


class WithAttachments(Strict):
    body: MessageBody | None = Field(None, description="May be left out when the message has attachments.")
    attachments: Attachments = []

    @model_validator(mode="after")
    def _says_something(self) -> WithAttachments:
        if self.body is None and not self.attachments:
            raise ValueError("a message needs a body or attachments")
        return self


class MessageCreate(WithAttachments):
    parent_message_id: int | None = Field(None, ge=1)
    client_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        None, description="Makes a retried send idempotent: the same client_id returns the first message."
    )
    link_previews: bool | None = Field(None, description="False: no preview cards for this message's links.")


class ReplyCreate(WithAttachments):
    client_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class MessageUpdate(Strict):
    body: MessageBody


class ReactionCreate(Strict):
    emoji: Emoji


class ReadRequest(Strict):
    message_id: int = Field(ge=1)


class ReactionCount(BaseModel):
    emoji: str
    count: int
    me: bool = False


class MessageRead(BaseModel):
    id: int
    room_id: uuid.UUID
    kind: Literal["user", "system"]
    author: PublicUser | None = Field(description="Null for a deleted user.")
    body: str = Field(description="Raw markdown; empty once deleted.")
    html: str = Field(
        description='Rendered and sanitized HTML; empty once deleted. Show it in an element with dir="auto" '
        "so bidi characters in it stay inside (docs/text.md)."
    )
    parent_message_id: int | None
    reply_count: int
    last_reply_at: datetime | None
    reactions: list[ReactionCount]
    mentions: list[str] = Field(description="Usernames mentioned.")
    client_id: str | None
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    removed_by_moderator: bool = Field(False, description="Deleted by a moderator, not its author.")
    attachments: list[FileRead] = Field([], description="Files and images, in the order sent.")
    link_previews: list[LinkPreview] = Field(
        description="Cards of its first links; they arrive later, in a message.updated."
    )
    link_previews_enabled: bool = Field(description="False once the author turned previews off for it.")


class MessagePage(BaseModel):
    items: list[MessageRead] = Field(description="Newest first.")
    has_more: bool
    next_before: int | None = Field(description="Pass as `before` for the next, older page.")
    has_newer: bool = Field(False, description="Asked `around` a message: newer ones remain (page them with `after`).")


class Thread(BaseModel):
    parent: MessageRead
    replies: list[MessageRead] = Field(description="Oldest first.")
    has_more: bool
    next_after: int | None


class ReceiptState(BaseModel):
    user_id: uuid.UUID
    last_delivered_message_id: int
    last_read_message_id: int


class RoomRead(BaseModel):
    id: uuid.UUID
    kind: RoomKind
    name: str = Field(description="For a DM, the other person's display name.")
    topic: str
    description: str
    sanctum_id: uuid.UUID | None = Field(description="The sanctum this is the main room of.")
    channel_of: uuid.UUID | None = Field(None, description="The sanctum this is a channel of.")
    position: int = Field(0, description="A channel's place among its sanctum's channels.")
    member_count: int
    created_at: datetime
    last_activity_at: datetime
    dm_user: PublicUser | None = None
    my_role: Role | None = Field(None, description="Null when the caller is not a member.")
    my_permissions: list[str] = Field(
        [], description="What the caller may do here (the room's detail only; docs/moderation.md)."
    )
    my_muted_until: datetime | None = Field(None, description="The caller is muted here until then.")
    pinned_message_ids: list[int] = Field([], description="The room's pins, oldest first (the room's detail only).")
    slow_mode_seconds: int = Field(
        0, description="Slow mode: members (not moderators) send one message per this many seconds; 0 is off."
    )
    system_messages_unread: bool = Field(False, description="Whether system lines count as unread (off: they do not).")
    last_read_message_id: int | None = None
    receipts: list[ReceiptState] = Field(default_factory=list, description="Other members' receipts (DMs only).")


class RoomSummary(BaseModel):
    """An entry of the public directory."""

    id: uuid.UUID
    kind: RoomKind
    name: str
    topic: str
    member_count: int
    created_at: datetime


class RoomDirectory(BaseModel):
    items: list[RoomSummary]
    next_cursor: str | None


class MyRoom(BaseModel):
    room: RoomRead
    unread_count: int = Field(description="Capped at 100.")
    last_message: MessageRead | None


class MyRooms(BaseModel):
    items: list[MyRoom] = Field(description="Most recent activity first.")


class Member(BaseModel):
    user: PublicUser
    role: Role
    joined_at: datetime


class MemberList(BaseModel):
    items: list[Member]


class MentionRead(BaseModel):
    message: MessageRead
    room_id: uuid.UUID
    room_name: str


class MentionPage(BaseModel):
    items: list[MentionRead]
    next_before: int | None


class ReadState(BaseModel):
    room_id: uuid.UUID
    last_read_message_id: int
    unread_count: int


MAX_CHANNELS = 50


class ChannelCreate(Strict):
    name: RoomName
    topic: Topic = ""


class ChannelRead(BaseModel):
    """A room of a sanctum besides its main room: its members are the sanctum's."""

    id: uuid.UUID
    sanctum_id: uuid.UUID
    name: str
    topic: str
    position: int
    member_count: int
    created_at: datetime


class ChannelList(BaseModel):
    items: list[ChannelRead] = Field(description="In the order owners and moderators set.")


class ChannelOrder(Strict):
    room_ids: list[uuid.UUID] = Field(max_length=MAX_CHANNELS, description="Every channel of the sanctum, once.")


MAX_PINS = 3


class PinRead(BaseModel):
    message: MessageRead
    pinned_by: uuid.UUID | None
    pinned_at: datetime


class PinList(BaseModel):
    items: list[PinRead] = Field(description=f"Oldest pin first; at most {MAX_PINS}.")


class MuteCreate(Strict):
    duration_seconds: int = Field(ge=60, le=30 * 24 * 3600, description="From a minute to 30 days.")
    reason: Annotated[str, Body("reason", max_length=500, may_be_empty=True)] = ""


class MuteRead(BaseModel):
    user_id: uuid.UUID
    until: datetime | None = Field(description="When the mute ends by itself; null once lifted.")
