"""HTTP routes of custom emoji: list, add (the image's bytes as the body, the name in the query),
delete (docs/files.md, "Custom emoji")."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path, Query, Request, status

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.emoji.deps import CustomEmojiServiceDep
from sanctum.domains.emoji.schemas import CustomEmojiList, CustomEmojiRead
from sanctum.domains.files.routes import UPLOAD_BODY, read_upload

emoji = DomainRouter(prefix="/api/emoji", tags=["emoji"], responses=ERROR_RESPONSES)
# The middleware's general body limit does not apply below here: an upload is bounded by its own.
OWN_BODY_LIMITS = ("/api/emoji",)

EmojiName = Annotated[str, Query(min_length=1, max_length=64, description="The shortcode: 2 to 32 of a-z, 0-9, _.")]
NamePath = Annotated[str, Path(min_length=1, max_length=64)]


@emoji.get("/{sanctum_id}", response_model=CustomEmojiList)
async def list_custom_emoji(
    sanctum_id: uuid.UUID, actor: CurrentActor, service: CustomEmojiServiceDep
) -> CustomEmojiList:
    """A sanctum's custom emoji, for whoever may see the sanctum."""
    return await service.list(actor, sanctum_id)


@emoji.post(
    "/{sanctum_id}",
    status_code=status.HTTP_201_CREATED,
    response_model=CustomEmojiRead,
    dependencies=[per_account("upload")],
    openapi_extra=UPLOAD_BODY,
)
async def add_custom_emoji(
    sanctum_id: uuid.UUID, name: EmojiName, request: Request, actor: CurrentActor, service: CustomEmojiServiceDep
) -> CustomEmojiRead:
    """Add a custom emoji (needs emoji.manage): a JPEG, PNG, GIF or WebP image, stored at most
    `FILES__EMOJI_SIDE` pixels a side, used as `:name:` in messages and reactions."""
    return await service.add(actor, sanctum_id, name, await read_upload(request, service.files, "emoji"))


@emoji.delete("/{sanctum_id}/{name}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[per_account("write")])
async def delete_custom_emoji(
    sanctum_id: uuid.UUID, name: NamePath, actor: CurrentActor, service: CustomEmojiServiceDep
) -> None:
    """Delete a custom emoji and its image (needs emoji.manage)."""
    await service.delete(actor, sanctum_id, name)
