"""HTTP routes of data exports: ask for one, see its state, download it once."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Cookie, Depends, Request, Response
from fastapi.responses import StreamingResponse

from sanctum.api.deps import provide
from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.export.deps import Downloader, ExportServiceDep
from sanctum.domains.export.schemas import ExportList, ExportRead
from sanctum.domains.export.service import COOKIE_TTL
from sanctum.settings import Settings

exports = DomainRouter(prefix="/api/exports", tags=["exports"], responses=ERROR_RESPONSES)

DOWNLOAD_COOKIE = "sanctum_export"


def _cookie_path(request: Request, export_id: uuid.UUID) -> str:
    """The download's path as the browser sees it (below a proxy's prefix, `root_path`, too)."""
    return f"{request.scope.get('root_path', '')}/api/exports/{export_id}/download"


@exports.post("", status_code=202, response_model=ExportRead, dependencies=[per_account("export")])
async def request_export(actor: CurrentActor, service: ExportServiceDep) -> ExportRead:
    """Ask for an archive of your data; it is built in the background (poll the list)."""
    return await service.request(actor.id)


@exports.get("", response_model=ExportList)
async def list_exports(actor: CurrentActor, service: ExportServiceDep) -> ExportList:
    """The caller's latest exports and their state."""
    return await service.list(actor.id)


@exports.post("/{export_id}/download-cookie", status_code=204, dependencies=[per_account("write")])
async def set_export_download_cookie(
    export_id: uuid.UUID,
    request: Request,
    actor: CurrentActor,
    service: ExportServiceDep,
    settings: Annotated[Settings, Depends(provide(Settings))],
) -> Response:
    """Let this browser download the archive by following a plain link to `/download`: sets an HttpOnly,
    SameSite=Strict cookie valid one minute, for this export's download path only."""
    secret = await service.download_cookie(actor.id, export_id)
    response = Response(status_code=204)
    response.set_cookie(
        DOWNLOAD_COOKIE,
        secret,
        max_age=int(COOKIE_TTL.total_seconds()),
        path=_cookie_path(request, export_id),
        secure=request.url.scheme == "https" or settings.app_env in ("production", "staging"),
        httponly=True,
        samesite="strict",
    )
    return response


@exports.get(
    "/{export_id}/download",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}, "description": "The archive (once)."}},
)
async def download_export(
    export_id: uuid.UUID,
    request: Request,
    downloader: Downloader,
    service: ExportServiceDep,
    cookie: Annotated[str | None, Cookie(alias=DOWNLOAD_COOKIE, max_length=128)] = None,
) -> StreamingResponse:
    """Download a ready archive: once, within 24 hours of it being built; then it is deleted. With an
    access token, or the cookie `POST .../download-cookie` set (a browser following a link)."""
    read, body = await service.download(downloader, export_id, cookie)
    name = f"sanctum-export-{read.requested_at:%Y-%m-%d}.zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Content-Length": str(read.size_bytes)}
    response = StreamingResponse(body, media_type="application/zip", headers=headers)
    response.delete_cookie(DOWNLOAD_COOKIE, path=_cookie_path(request, export_id), httponly=True, samesite="strict")
    return response
