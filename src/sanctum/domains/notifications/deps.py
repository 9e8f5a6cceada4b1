"""Dependency aliases for notification routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.notifications.service import NotificationService

NotificationServiceDep = Annotated[NotificationService, Depends(provide(NotificationService))]
