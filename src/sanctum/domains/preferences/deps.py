"""Dependency aliases for preference routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.preferences.service import PreferenceService

PreferenceServiceDep = Annotated[PreferenceService, Depends(provide(PreferenceService))]
