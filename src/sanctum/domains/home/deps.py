"""Dependency aliases for the Home route."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.home.service import HomeService

HomeServiceDep = Annotated[HomeService, Depends(provide(HomeService))]
