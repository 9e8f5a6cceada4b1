"""HTTP routes of notification preferences and mutes: the caller's own, nobody else's."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Path

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.preferences.deps import PreferenceServiceDep
from sanctum.domains.preferences.schemas import Mutes, NotificationPreferences, PreferencesUpdate

preferences = DomainRouter(prefix="/api/preferences", tags=["preferences"], responses=ERROR_RESPONSES)

MuteScope = Annotated[Literal["rooms", "sanctums"], Path(description="What is muted: a room or a sanctum.")]


def _scope(scope: Literal["rooms", "sanctums"]) -> Literal["room", "sanctum"]:
    return "room" if scope == "rooms" else "sanctum"


@preferences.get("/notifications", response_model=NotificationPreferences)
async def get_notification_preferences(actor: CurrentActor, service: PreferenceServiceDep) -> NotificationPreferences:
    """The caller's notification preferences (defaults until changed)."""
    return await service.get(actor.id)


@preferences.patch("/notifications", response_model=NotificationPreferences, dependencies=[per_account("preferences")])
async def update_notification_preferences(
    body: PreferencesUpdate, actor: CurrentActor, service: PreferenceServiceDep
) -> NotificationPreferences:
    """Change some of the caller's notification preferences; what is not given stays."""
    return await service.update(actor.id, body)


@preferences.get("/mutes", response_model=Mutes)
async def list_mutes(actor: CurrentActor, service: PreferenceServiceDep) -> Mutes:
    """The rooms and sanctums the caller muted."""
    return await service.mutes(actor.id)


@preferences.put("/mutes/{scope}/{target_id}", response_model=Mutes, dependencies=[per_account("preferences")])
async def mute(scope: MuteScope, target_id: uuid.UUID, actor: CurrentActor, service: PreferenceServiceDep) -> Mutes:
    """Mute a room or a sanctum: no notification from it (again is fine)."""
    return await service.mute(actor.id, _scope(scope), target_id)


@preferences.delete("/mutes/{scope}/{target_id}", response_model=Mutes, dependencies=[per_account("preferences")])
async def unmute(scope: MuteScope, target_id: uuid.UUID, actor: CurrentActor, service: PreferenceServiceDep) -> Mutes:
    """Unmute a room or a sanctum (not muted is fine)."""
    return await service.unmute(actor.id, _scope(scope), target_id)
