"""HTTP routes of link previews: the re-encoded preview images, served by Sanctum.

An image is reached by its random id alone (an `<img>` sends no access token): the id is known only to
those who can read a message carrying the card, and the picture itself came from a public page.
"""

from __future__ import annotations

import uuid

from fastapi import Response

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.core.errors import NotFound
from sanctum.domains.previews.deps import PreviewServiceDep

previews = DomainRouter(prefix="/api/previews", tags=["previews"], responses=ERROR_RESPONSES)


@previews.get(
    "/images/{image_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}, "description": "The image."}},
)
async def get_preview_image(image_id: uuid.UUID, service: PreviewServiceDep) -> Response:
    """A link preview's image, as Sanctum re-encoded it (JPEG or PNG)."""
    image = await service.image(image_id)
    if image is None:
        raise NotFound("No such image.")
    headers = {
        "Cache-Control": "public, max-age=604800, immutable",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
    }
    return Response(image.data, media_type=image.content_type, headers=headers)
