"""Dependency aliases for reports routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.reports.service import ReportService

ReportServiceDep = Annotated[ReportService, Depends(provide(ReportService))]
