"""Dependency aliases for export routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.export.service import ExportService

ExportServiceDep = Annotated[ExportService, Depends(provide(ExportService))]
