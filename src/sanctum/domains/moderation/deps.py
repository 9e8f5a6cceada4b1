"""Dependency aliases for moderation routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.moderation.sanctions import Sanctions
from sanctum.domains.moderation.service import ModerationService

ModerationServiceDep = Annotated[ModerationService, Depends(provide(ModerationService))]
SanctionsDep = Annotated[Sanctions, Depends(provide(Sanctions))]
