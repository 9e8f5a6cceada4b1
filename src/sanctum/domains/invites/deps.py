"""Dependency aliases for invite routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.invites.service import InviteService

InviteServiceDep = Annotated[InviteService, Depends(provide(InviteService))]
