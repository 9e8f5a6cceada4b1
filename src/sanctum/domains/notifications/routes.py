"""HTTP routes of notifications: the caller's own list, unread count and read state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.notifications.deps import NotificationServiceDep
from sanctum.domains.notifications.schemas import NotificationPage, NotificationRead, SubjectViewed, UnreadCount

notifications = DomainRouter(prefix="/api/notifications", tags=["notifications"], responses=ERROR_RESPONSES)

NotificationId = Annotated[int, Path(ge=1, le=2**62)]


@notifications.get("", response_model=NotificationPage)
async def list_notifications(
    actor: CurrentActor,
    service: NotificationServiceDep,
    cursor: Annotated[str | None, Query(max_length=512, description="`next_cursor` of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
) -> NotificationPage:
    """The caller's notifications, the most recently changed first."""
    return await service.page(actor.id, cursor, limit)


@notifications.get("/unread-count", response_model=UnreadCount)
async def count_unread_notifications(actor: CurrentActor, service: NotificationServiceDep) -> UnreadCount:
    """How many of the caller's notifications are unread (capped at 100)."""
    return await service.unread(actor.id)


@notifications.post("/read-all", response_model=UnreadCount, dependencies=[per_account("read_marker")])
async def mark_all_notifications_read(actor: CurrentActor, service: NotificationServiceDep) -> UnreadCount:
    """Mark every notification of the caller read."""
    return await service.mark_all_read(actor.id)


@notifications.post("/read-subject", response_model=UnreadCount, dependencies=[per_account("read_marker")])
async def mark_subject_notifications_read(
    body: SubjectViewed, actor: CurrentActor, service: NotificationServiceDep
) -> UnreadCount:
    """The caller is viewing a conversation, a post or a game: mark every notification about it read."""
    return await service.mark_subject_read(actor.id, body.subject)


@notifications.post(
    "/{notification_id}/read", response_model=NotificationRead, dependencies=[per_account("read_marker")]
)
async def mark_notification_read(
    notification_id: NotificationId, actor: CurrentActor, service: NotificationServiceDep
) -> NotificationRead:
    """Mark one of the caller's notifications read (again is fine)."""
    return await service.mark_read(actor.id, notification_id)
