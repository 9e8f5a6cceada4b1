"""Dependency aliases for search routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.search.service import SearchService

SearchServiceDep = Annotated[SearchService, Depends(provide(SearchService))]
