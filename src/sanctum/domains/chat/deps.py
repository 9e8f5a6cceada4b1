"""Dependency aliases for chat routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.service import RoomService


def get_room_service(request: Request) -> RoomService:
    service: RoomService = request.app.state.rooms
    return service


def get_message_service(request: Request) -> MessageService:
    service: MessageService = request.app.state.messages
    return service


RoomServiceDep = Annotated[RoomService, Depends(get_room_service)]
MessageServiceDep = Annotated[MessageService, Depends(get_message_service)]
