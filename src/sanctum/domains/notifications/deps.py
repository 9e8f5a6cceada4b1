"""Dependency aliases for notification routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sanctum.domains.notifications.service import NotificationService


def get_notification_service(request: Request) -> NotificationService:
    service: NotificationService = request.app.state.notifications
    return service


NotificationServiceDep = Annotated[NotificationService, Depends(get_notification_service)]
