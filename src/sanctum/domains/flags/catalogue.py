"""Every flag the code asks about, declared once: its name, what it gates, and its value before an
operator has set it (a flag with no row in `feature_flags` is fully on or fully off by this default).

A service checks one in a line: `self._flags.require(UPLOADS, actor.id)` (raises FEATURE_DISABLED) or
`if self._flags.on(LINK_PREVIEWS, user_id, sanctum_id): ...` (docs/flags.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    description: str
    default: bool = True


CALLS = Flag("calls", "Voice and video calls in rooms and direct messages.")
UPLOADS = Flag("uploads", "Attaching files and images to messages and posts.")
LINK_PREVIEWS = Flag("link_previews", "Previews (title, image) of the links in messages and posts.")

FLAGS: dict[str, Flag] = {flag.name: flag for flag in (CALLS, UPLOADS, LINK_PREVIEWS)}
