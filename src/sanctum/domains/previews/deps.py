"""Dependency aliases for the previews routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.previews.service import PreviewService

PreviewServiceDep = Annotated[PreviewService, Depends(provide(PreviewService))]
