"""Dependency aliases for Web Push routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.push.service import PushService

PushServiceDep = Annotated[PushService, Depends(provide(PushService))]
