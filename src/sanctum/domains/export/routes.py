"""HTTP routes of data exports: ask for one, see its state, download it once."""

from __future__ import annotations

import uuid

from fastapi.responses import StreamingResponse

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.export.deps import ExportServiceDep
from sanctum.domains.export.schemas import ExportList, ExportRead

exports = DomainRouter(prefix="/api/exports", tags=["exports"], responses=ERROR_RESPONSES)


@exports.post("", status_code=202, response_model=ExportRead, dependencies=[per_account("export")])
async def request_export(actor: CurrentActor, service: ExportServiceDep) -> ExportRead:
    """Ask for an archive of your data; it is built in the background (poll the list)."""
    return await service.request(actor.id)


@exports.get("", response_model=ExportList)
async def list_exports(actor: CurrentActor, service: ExportServiceDep) -> ExportList:
    """The caller's latest exports and their state."""
    return await service.list(actor.id)


@exports.get(
    "/{export_id}/download",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}, "description": "The archive (once)."}},
)
async def download_export(export_id: uuid.UUID, actor: CurrentActor, service: ExportServiceDep) -> StreamingResponse:
    """Download a ready archive: once, within 24 hours of it being built; then it is deleted."""
    read, body = await service.download(actor.id, export_id)
    name = f"sanctum-export-{read.requested_at:%Y%m%d}.zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Content-Length": str(read.size_bytes)}
    return StreamingResponse(body, media_type="application/zip", headers=headers)
