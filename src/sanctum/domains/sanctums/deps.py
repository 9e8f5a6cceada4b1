"""Dependency aliases for sanctum routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sanctum.domains.sanctums.service import SanctumService


def get_sanctum_service(request: Request) -> SanctumService:
    service: SanctumService = request.app.state.sanctums
    return service


SanctumServiceDep = Annotated[SanctumService, Depends(get_sanctum_service)]
