"""HTTP routes of feature flags: the caller's flags (the web app), and the admin screen's reads and changes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path, Query

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.flags.deps import FlagServiceDep
from sanctum.domains.flags.schemas import FlagChange, FlagList, FlagOverrideChange, FlagRead, MyFlags

flags = DomainRouter(prefix="/api/flags", tags=["flags"], responses=ERROR_RESPONSES)
admin_flags = DomainRouter(prefix="/api/admin/flags", tags=["flags"], responses=ERROR_RESPONSES)

FlagName = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$", max_length=64)]
InSanctum = Annotated[uuid.UUID | None, Query(description="Evaluate in this sanctum (its overrides apply).")]


@flags.get("", response_model=MyFlags)
async def get_my_flags(actor: CurrentActor, service: FlagServiceDep, sanctum_id: InSanctum = None) -> MyFlags:
    """Every feature flag's value for the caller, in a sanctum they can see if `sanctum_id` is given;
    answered from memory (one access check for a sanctum)."""
    return MyFlags(flags=await service.for_user_in(actor.id, sanctum_id), sanctum_id=sanctum_id)


@admin_flags.get("", response_model=FlagList)
async def list_flags(actor: CurrentActor, service: FlagServiceDep) -> FlagList:
    """Every declared flag with its kill switch, rollout and overrides (site admins)."""
    return await service.list(actor)


@admin_flags.patch("/{name}", response_model=FlagRead, dependencies=[per_account("flags")])
async def change_flag(name: FlagName, body: FlagChange, actor: CurrentActor, service: FlagServiceDep) -> FlagRead:
    """Turn a flag's kill switch or rollout percentage (site admins); every instance follows within seconds."""
    return await service.change(actor, name, body)


@admin_flags.put("/{name}/overrides", response_model=FlagRead, dependencies=[per_account("flags")])
async def override_flag(
    name: FlagName, body: FlagOverrideChange, actor: CurrentActor, service: FlagServiceDep
) -> FlagRead:
    """Force a flag on or off for one user or one sanctum, or remove that (`value: null`) (site admins)."""
    return await service.override(actor, name, body)
