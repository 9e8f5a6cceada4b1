"""What a data export holds of an account: the profile as its owner sees it (email included)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.domains.accounts.models import User
from sanctum.domains.accounts.schemas import Me


async def profile_of(db: AsyncSession, user_id: uuid.UUID) -> dict[str, Any] | None:
    """For the export domain, in its session."""
    user = await db.get(User, user_id)
    return Me.model_validate(user, from_attributes=True).model_dump(mode="json") if user is not None else None
