"""Wire models of notification preferences: the API contract, and what the cache holds per user."""

from __future__ import annotations

import re
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator

from sanctum.domains.accounts.schemas import Strict
from sanctum.domains.notifications.notify import KINDS, Kind

HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
PUSH_KINDS: frozenset[Kind] = frozenset({"message", "mention", "friend_request", "game_invite", "missed_call"})
"""The kinds a push notification is sent for (when the user subscribed and has no live socket)."""


class KindPreference(Strict):
    in_app: bool = Field(True, description="Create the notification (the bell, the list, the live event).")
    push: bool = Field(
        True,
        description="Send a Web Push notification (only DMs, mentions, friend requests "
        "and game invites are ever pushed).",
    )


class DoNotDisturb(Strict):
    enabled: bool = False
    start: str = Field("22:00", pattern=HHMM, description="Local time (HH:MM) the quiet hours begin.")
    end: str = Field("07:00", pattern=HHMM, description="Local time (HH:MM) they end; before `start`: overnight.")
    time_zone: str = Field("UTC", max_length=64, description="An IANA time zone name, e.g. Europe/Paris.")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_+\-/]{1,64}", value) or ".." in value:
            raise ValueError("expected an IANA time zone name such as Europe/Paris")
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("expected an IANA time zone name such as Europe/Paris") from exc
        return value


class NotificationPreferences(BaseModel):
    kinds: dict[Kind, KindPreference] = Field(description="Every kind of notification and what to do with it.")
    email_digest: bool = Field(
        False,
        description="Email the chat mentions left unread (one email per round, to a verified address; "
        "docs/notifications.md).",
    )
    dnd: DoNotDisturb = Field(description="Quiet hours: no push notification inside them (in-app ones still arrive).")
    link_previews: bool = Field(
        True,
        description="Link preview cards: made for the links of the messages you send, and shown to you "
        "(off: neither; docs/previews.md).",
    )


class PreferencesUpdate(Strict):
    kinds: dict[Kind, KindPreference] | None = Field(None, description="Only the kinds given change.")
    email_digest: bool | None = None
    dnd: DoNotDisturb | None = None
    link_previews: bool | None = None


class Mutes(BaseModel):
    rooms: list[uuid.UUID] = Field(description="Rooms (and DMs) the caller gets no notification from.")
    sanctums: list[uuid.UUID] = Field(description="Sanctums none of whose rooms notify the caller.")


class PreferenceRecord(BaseModel):
    """What the notifier needs of one recipient, cached as one entry (preferences and mutes)."""

    preferences: NotificationPreferences
    muted_rooms: list[uuid.UUID] = []
    muted_sanctums: list[uuid.UUID] = []


def defaults() -> NotificationPreferences:
    return NotificationPreferences(
        kinds={kind: KindPreference() for kind in KINDS}, email_digest=False, dnd=DoNotDisturb()
    )
