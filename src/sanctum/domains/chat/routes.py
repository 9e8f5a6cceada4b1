"""HTTP routes of chat: parse, authenticate, call the service, serialize."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path, Query, Response, status

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.chat.around import history_around
from sanctum.domains.chat.deps import ChatModerationDep, MessagePreviewsDep, MessageServiceDep, RoomServiceDep
from sanctum.domains.chat.schemas import (
    DmCreate,
    Emoji,
    Invite,
    MemberList,
    MentionPage,
    MessageCreate,
    MessagePage,
    MessageRead,
    MessageUpdate,
    MyRooms,
    ReactionCreate,
    ReadRequest,
    ReadState,
    ReplyCreate,
    RoomCreate,
    RoomDirectory,
    RoomRead,
    RoomUpdate,
    Thread,
)
from sanctum.domains.previews.schemas import LinkPreviewsUpdate

rooms = DomainRouter(prefix="/api/rooms", tags=["rooms"], responses=ERROR_RESPONSES)
messages = DomainRouter(prefix="/api/rooms/{room_id}/messages", tags=["messages"], responses=ERROR_RESPONSES)
dms = DomainRouter(prefix="/api/dms", tags=["dms"], responses=ERROR_RESPONSES)
me = DomainRouter(prefix="/api/users/me", tags=["users"], responses=ERROR_RESPONSES)

MessageId = Annotated[int, Path(ge=1, le=2**62)]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[int | None, Query(ge=0, le=2**62)]


@rooms.post("", status_code=status.HTTP_201_CREATED, response_model=RoomRead, dependencies=[per_account("room_create")])
async def create_room(body: RoomCreate, actor: CurrentActor, service: RoomServiceDep) -> RoomRead:
    """Create a public, private or group room; the caller owns it."""
    return await service.create(actor, body)


@rooms.get("", response_model=RoomDirectory)
async def list_rooms(
    actor: CurrentActor,
    service: RoomServiceDep,
    q: Annotated[str | None, Query(max_length=80, description="Part of a room name.")] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Limit = 50,
) -> RoomDirectory:
    """The public room directory, by name."""
    return await service.directory(q, cursor, limit)


@rooms.get("/{room_id}", response_model=RoomRead)
async def get_room(room_id: uuid.UUID, actor: CurrentActor, service: RoomServiceDep) -> RoomRead:
    return await service.get(actor, room_id)


@rooms.patch("/{room_id}", response_model=RoomRead, dependencies=[per_account("write")])
async def update_room(room_id: uuid.UUID, body: RoomUpdate, actor: CurrentActor, service: RoomServiceDep) -> RoomRead:
    """Rename or change the topic or description (owner and moderators)."""
    return await service.update(actor, room_id, body)


@rooms.post("/{room_id}/join", response_model=RoomRead, dependencies=[per_account("write")])
async def join_room(room_id: uuid.UUID, actor: CurrentActor, service: RoomServiceDep) -> RoomRead:
    """Join a public room (joining again changes nothing)."""
    return await service.join(actor, room_id)


@rooms.post("/{room_id}/leave", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("write")])
async def leave_room(room_id: uuid.UUID, actor: CurrentActor, service: RoomServiceDep) -> None:
    await service.leave(actor, room_id)


@rooms.post("/{room_id}/invite", response_model=MemberList, dependencies=[per_account("invite")])
async def invite_to_room(room_id: uuid.UUID, body: Invite, actor: CurrentActor, service: RoomServiceDep) -> MemberList:
    """Add someone to the room (in a private room: owner and moderators only)."""
    return await service.invite(actor, room_id, body.user_id)


@rooms.get("/{room_id}/members", response_model=MemberList)
async def list_members(room_id: uuid.UUID, actor: CurrentActor, service: RoomServiceDep) -> MemberList:
    return await service.members(actor, room_id)


@rooms.post("/{room_id}/read", response_model=ReadState, dependencies=[per_account("read_marker")])
async def mark_read(
    room_id: uuid.UUID, body: ReadRequest, actor: CurrentActor, service: MessageServiceDep
) -> ReadState:
    """Move the caller's read position forward (never back)."""
    return await service.mark_read(actor, room_id, body.message_id)


@dms.post("", response_model=RoomRead, responses={201: {"model": RoomRead}}, dependencies=[per_account("dm_open")])
async def open_dm(body: DmCreate, actor: CurrentActor, service: RoomServiceDep, response: Response) -> RoomRead:
    """The direct-message room with this person, created on first use (201) or existing (200)."""
    room, created = await service.open_dm(actor, body.user_id)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return room


@me.get("/rooms", response_model=MyRooms)
async def list_my_rooms(actor: CurrentActor, service: RoomServiceDep) -> MyRooms:
    """The caller's rooms, most recent activity first, with unread counts and the last message."""
    return await service.my_rooms(actor)


@me.get("/mentions", response_model=MentionPage)
async def list_my_mentions(
    actor: CurrentActor, service: MessageServiceDep, before: Cursor = None, limit: Limit = 50
) -> MentionPage:
    return await service.mentions(actor, before, limit)


@messages.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageRead,
    responses={200: {"model": MessageRead}},
    dependencies=[per_account("chat_message")],
)
async def send_message(
    room_id: uuid.UUID, body: MessageCreate, actor: CurrentActor, service: MessageServiceDep, response: Response
) -> MessageRead:
    """Post a message (markdown). Retrying with the same `client_id` returns the first one (200)."""
    sent = await service.send(actor, room_id, body)
    if not sent.created:
        response.status_code = status.HTTP_200_OK
    return sent.message


@messages.get("", response_model=MessagePage)
async def list_messages(
    room_id: uuid.UUID,
    actor: CurrentActor,
    service: MessageServiceDep,
    before: Cursor = None,
    after: Cursor = None,
    limit: Limit = 50,
    around: Annotated[int | None, Query(ge=1, le=2**62, description="A page around this message id.")] = None,
) -> MessagePage:
    """Top-level messages, newest first. `before` pages back; `after` fetches what came since; `around`
    opens the history at a message (about half the page older, half newer; `before` and `after` ignored)."""
    if around is not None:
        return await history_around(service, actor, room_id, around, limit)
    return await service.history(actor, room_id, before, after, limit)


@messages.post(
    "/{message_id}/replies",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageRead,
    responses={200: {"model": MessageRead}},
    dependencies=[per_account("chat_message")],
)
async def reply_to_message(
    room_id: uuid.UUID,
    message_id: MessageId,
    body: ReplyCreate,
    actor: CurrentActor,
    service: MessageServiceDep,
    response: Response,
) -> MessageRead:
    sent = await service.send(
        actor, room_id, MessageCreate(body=body.body, parent_message_id=message_id, client_id=body.client_id)
    )
    if not sent.created:
        response.status_code = status.HTTP_200_OK
    return sent.message


@messages.get("/{message_id}/thread", response_model=Thread)
async def get_thread(
    room_id: uuid.UUID,
    message_id: MessageId,
    actor: CurrentActor,
    service: MessageServiceDep,
    after: Cursor = None,
    limit: Limit = 100,
) -> Thread:
    """A message and its replies, oldest first."""
    return await service.thread(actor, room_id, message_id, after, limit)


@messages.patch("/{message_id}", response_model=MessageRead, dependencies=[per_account("edit")])
async def edit_message(
    room_id: uuid.UUID, message_id: MessageId, body: MessageUpdate, actor: CurrentActor, service: MessageServiceDep
) -> MessageRead:
    """Edit your own message; earlier versions are kept."""
    return await service.edit(actor, room_id, message_id, body.body)


@messages.put("/{message_id}/link-previews", response_model=MessageRead, dependencies=[per_account("edit")])
async def set_link_previews(
    room_id: uuid.UUID,
    message_id: MessageId,
    body: LinkPreviewsUpdate,
    actor: CurrentActor,
    service: MessagePreviewsDep,
) -> MessageRead:
    """Turn your message's link preview cards off (they go at once) or on again (they come back shortly)."""
    return await service.set_enabled(actor, room_id, message_id, body.enabled)


@messages.delete("/{message_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("write")])
async def delete_message(
    room_id: uuid.UUID, message_id: MessageId, actor: CurrentActor, service: ChatModerationDep
) -> None:
    """Delete your message (or any, with `message.delete`); it shows as deleted, or as removed by a
    moderator."""
    await service.delete(actor, room_id, message_id)


@messages.post("/{message_id}/reactions", response_model=MessageRead, dependencies=[per_account("reaction")])
async def add_reaction(
    room_id: uuid.UUID, message_id: MessageId, body: ReactionCreate, actor: CurrentActor, service: MessageServiceDep
) -> MessageRead:
    """React (idempotent)."""
    return await service.react(actor, room_id, message_id, body.emoji, add=True)


@messages.delete("/{message_id}/reactions/{emoji}", response_model=MessageRead, dependencies=[per_account("reaction")])
async def remove_reaction(
    room_id: uuid.UUID,
    message_id: MessageId,
    emoji: Annotated[Emoji, Path()],
    actor: CurrentActor,
    service: MessageServiceDep,
) -> MessageRead:
    """Take a reaction back (idempotent)."""
    return await service.react(actor, room_id, message_id, emoji, add=False)
