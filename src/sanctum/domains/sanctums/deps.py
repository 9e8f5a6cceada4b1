"""Dependency aliases for sanctum routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.sanctums.service import SanctumService

SanctumServiceDep = Annotated[SanctumService, Depends(provide(SanctumService))]
