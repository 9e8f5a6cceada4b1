"""Wire models of feature flags: the caller's flags, and the admin's view and changes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class MyFlags(BaseModel):
    """Each declared flag's value for the caller (the web app hides what is off)."""

    flags: dict[str, bool]
    sanctum_id: uuid.UUID | None = Field(
        None, description="The sanctum the flags were evaluated in (its overrides applied), if one was asked."
    )


class FlagOverrideRead(BaseModel):
    subject_type: Literal["user", "sanctum"]
    subject_id: uuid.UUID
    value: bool


class FlagRead(BaseModel):
    name: str
    description: str
    default: bool = Field(description="The value while no operator has set the flag.")
    configured: bool = Field(description="Whether an operator has set it (otherwise `default` applies to all).")
    enabled: bool = Field(description="The kill switch: false turns the flag off for everyone, overrides included.")
    rollout_percent: int = Field(
        ge=0, le=100, description="Share of users (by a stable hash of their id) it is on for."
    )
    overrides: list[FlagOverrideRead]
    updated_at: datetime | None = None


class FlagList(BaseModel):
    items: list[FlagRead]
    version: int = Field(description="Bumped by every change; each instance reloads within seconds of it.")


class FlagChange(BaseModel):
    """What to change; what is not given stays."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = None
    rollout_percent: int | None = Field(None, ge=0, le=100)


class FlagOverrideChange(BaseModel):
    """Force the flag on or off for one user or one sanctum; `value` null removes the override."""

    model_config = ConfigDict(extra="forbid")

    subject_type: Literal["user", "sanctum"]
    subject_id: uuid.UUID
    value: bool | None
