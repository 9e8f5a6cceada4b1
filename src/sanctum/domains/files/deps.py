"""Dependency aliases of the files routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.files.service import FileService

FileServiceDep = Annotated[FileService, Depends(provide(FileService))]
