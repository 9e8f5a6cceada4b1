"""How a flag is decided for one user, a pure function of the snapshot.

Order: the kill switch (`enabled` false) turns a flag off for everyone, overrides included, so one
switch stops a feature that misbehaves; then a per-user override; then a per-sanctum override (when the
check names a sanctum); then the rollout: the user is in when their bucket, a stable hash of the flag's
name and their id in [0, 10000), is below `rollout_percent * 100`. The hash mixes in the flag's name so
the first 10% of one rollout are not the first 10% of every rollout; it depends on nothing else, so
raising the percentage only adds users, never swaps them, on every instance alike.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Literal

from sanctum.domains.flags.catalogue import Flag

Reason = Literal["default", "disabled", "user_override", "sanctum_override", "rollout"]


@dataclass(frozen=True, slots=True)
class FlagRow:
    enabled: bool
    rollout_percent: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the database said at `version`: the operator's rows, and overrides by (flag, kind, id)."""

    version: int = -1
    flags: dict[str, FlagRow] = field(default_factory=dict)
    overrides: dict[tuple[str, str, uuid.UUID], bool] = field(default_factory=dict)


def bucket(flag_name: str, user_id: uuid.UUID) -> int:
    digest = hashlib.sha256(f"{flag_name}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000


def decide(
    snapshot: Snapshot, flag: Flag, user_id: uuid.UUID | None, sanctum_id: uuid.UUID | None = None
) -> tuple[bool, Reason]:
    row = snapshot.flags.get(flag.name)
    if row is None:
        return flag.default, "default"
    if not row.enabled:
        return False, "disabled"
    if user_id is not None:
        forced = snapshot.overrides.get((flag.name, "user", user_id))
        if forced is not None:
            return forced, "user_override"
    if sanctum_id is not None:
        forced = snapshot.overrides.get((flag.name, "sanctum", sanctum_id))
        if forced is not None:
            return forced, "sanctum_override"
    if row.rollout_percent >= 100:
        return True, "rollout"
    if user_id is None or row.rollout_percent <= 0:
        return False, "rollout"
    return bucket(flag.name, user_id) < row.rollout_percent * 100, "rollout"
