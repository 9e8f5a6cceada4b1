"""Dependency aliases for flag routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.flags.service import FlagService

FlagServiceDep = Annotated[FlagService, Depends(provide(FlagService))]
