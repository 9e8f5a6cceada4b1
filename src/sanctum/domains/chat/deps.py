"""Dependency aliases for chat routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.moderation import ChatModeration
from sanctum.domains.chat.previews import MessagePreviews
from sanctum.domains.chat.service import RoomService

RoomServiceDep = Annotated[RoomService, Depends(provide(RoomService))]
MessageServiceDep = Annotated[MessageService, Depends(provide(MessageService))]
ChatModerationDep = Annotated[ChatModeration, Depends(provide(ChatModeration))]
MessagePreviewsDep = Annotated[MessagePreviews, Depends(provide(MessagePreviews))]
