"""Dependency aliases for calls routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.calls.service import CallService

CallServiceDep = Annotated[CallService, Depends(provide(CallService))]
