"""Dependency aliases of the custom emoji routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.emoji.service import CustomEmojiService

CustomEmojiServiceDep = Annotated[CustomEmojiService, Depends(provide(CustomEmojiService))]
