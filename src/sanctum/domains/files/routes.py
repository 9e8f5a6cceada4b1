"""HTTP routes of files: upload (the raw bytes as the body, the name in the query), and checked
downloads with the headers that keep a file from ever running as a page (docs/files.md)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Query, Request, Response, status

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.files.deps import FileServiceDep
from sanctum.domains.files.schemas import FileRead
from sanctum.domains.files.service import Download, FileService, Purpose

files = DomainRouter(prefix="/api/files", tags=["files"], responses=ERROR_RESPONSES)
# The middleware's general body limit does not apply below here: uploads are bounded by their own.
OWN_BODY_LIMITS = ("/api/files",)

FileName = Annotated[str, Query(min_length=1, max_length=255, description="The file's name, to show and to save as.")]
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The file's bytes. Its type is decided from them; the Content-Type is ignored.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
_BYTES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "The file's bytes."}
}
# A file is data, never a document: nothing in it may run, load or be framed, even opened directly.
_FILE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, max-age=300",
}


async def read_upload(request: Request, service: FileService, purpose: Purpose) -> bytes:
    """The body, read no further than the upload limit (413 FILE_TOO_LARGE past it)."""
    limit = service.limit_for(purpose)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise service.too_large(purpose)
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise service.too_large(purpose)
    return bytes(received)


def _served(found: Download) -> Response:
    disposition = "inline" if found.inline else "attachment"
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._- ") else "_" for c in found.name) or "file"
    headers = {
        **_FILE_HEADERS,
        "Content-Disposition": f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(found.name)}",
    }
    return Response(found.data, media_type=found.content_type, headers=headers)


@files.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=FileRead,
    dependencies=[per_account("upload")],
    openapi_extra=UPLOAD_BODY,
)
async def upload_file(request: Request, name: FileName, actor: CurrentActor, service: FileServiceDep) -> FileRead:
    """Upload a file to attach to a message or post (pass its id in `attachments`). Until then only
    you can read it. Images are re-encoded without their metadata and get a thumbnail."""
    return await service.upload(actor.id, name, await read_upload(request, service, "attachment"))


@files.put("/avatar", response_model=FileRead, dependencies=[per_account("upload")], openapi_extra=UPLOAD_BODY)
async def set_avatar(
    request: Request, actor: CurrentActor, service: FileServiceDep, name: FileName = "avatar"
) -> FileRead:
    """Your avatar: a JPEG, PNG, GIF or WebP image, stored at most `FILES__AVATAR_SIDE` pixels a side."""
    return await service.upload(actor.id, name, await read_upload(request, service, "avatar"), "avatar")


@files.get("/avatars/{user_id}", response_class=Response, responses=_BYTES)
async def get_avatar(user_id: uuid.UUID, service: FileServiceDep) -> Response:
    """Someone's uploaded avatar. Public, like the avatar links people give, so an `<img>` can show it
    (a profile's `avatar_url` may name this address)."""
    return _served(await service.avatar_of(user_id))


@files.put(
    "/sanctum-icons/{sanctum_id}",
    response_model=FileRead,
    dependencies=[per_account("upload")],
    openapi_extra=UPLOAD_BODY,
)
async def set_sanctum_icon(
    sanctum_id: uuid.UUID, request: Request, actor: CurrentActor, service: FileServiceDep, name: FileName = "icon"
) -> FileRead:
    """A sanctum's icon (needs sanctum.manage there): an image, as for avatars."""
    data = await read_upload(request, service, "icon")
    return await service.upload_icon(actor, sanctum_id, name, data)


@files.get("/sanctum-icons/{sanctum_id}", response_class=Response, responses=_BYTES)
async def get_sanctum_icon(sanctum_id: uuid.UUID, actor: CurrentActor, service: FileServiceDep) -> Response:
    """A sanctum's icon, for whoever may see the sanctum."""
    return _served(await service.icon_of(actor.id, sanctum_id))


@files.get("/{file_id}", response_class=Response, responses=_BYTES)
async def download_file(file_id: uuid.UUID, actor: CurrentActor, service: FileServiceDep) -> Response:
    """The file, if you may read what it is attached to. Safe images (our own re-encoded JPEG, PNG
    or WebP) are served inline; everything else as a download."""
    return _served(await service.download(actor.id, file_id))


@files.get("/{file_id}/thumbnail", response_class=Response, responses=_BYTES)
async def get_thumbnail(file_id: uuid.UUID, actor: CurrentActor, service: FileServiceDep) -> Response:
    """An image's thumbnail (at most `FILES__THUMBNAIL_SIDE` pixels a side), under the file's own rule."""
    return _served(await service.download(actor.id, file_id, thumbnail=True))
