"""Dependency aliases for export routes, and who is downloading: an access token's user, or (a
browser following a plain link) nobody yet, left to the export's download cookie."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sanctum.api.deps import provide
from sanctum.domains.accounts.deps import AccountServiceDep
from sanctum.domains.export.service import ExportService

ExportServiceDep = Annotated[ExportService, Depends(provide(ExportService))]

_bearer = HTTPBearer(auto_error=False, description="An access token, or the export's download cookie.")


async def get_downloader(
    request: Request,
    accounts: AccountServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> uuid.UUID | None:
    """The access token's user when one is sent (checked: a bad one is 401, as everywhere)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        return None
    actor = await accounts.authenticate(credentials.credentials)
    request.state.user_id = str(actor.id)
    return actor.id


Downloader = Annotated[uuid.UUID | None, Depends(get_downloader)]
