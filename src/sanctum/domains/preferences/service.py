"""Notification preferences: reading and changing them (requests), and `gate`, which the notifier asks
once per recipient before it notifies anyone.

Rules: a muted room, or any room of a muted sanctum, notifies nothing (no in-app notification, no
push). A kind switched off in-app creates no notification; switched off for push sends none. Inside the
do-not-disturb window (in the user's own time zone) nothing is pushed, while in-app notifications still
arrive. `gate` costs one cached read per recipient: preferences and mutes are one cache entry, forgotten
after every change commits; the room's sanctum comes from chat's cached room record.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, time
from functools import partial
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.cache import Cache
from sanctum.cache.base import CachedJson
from sanctum.core.clock import utcnow
from sanctum.core.errors import QuotaExceeded
from sanctum.db.database import Database
from sanctum.domains.notifications.notify import Kind
from sanctum.domains.notifications.service import Delivery
from sanctum.domains.preferences.repository import PreferenceRepository
from sanctum.domains.preferences.schemas import (
    PUSH_KINDS,
    DoNotDisturb,
    Mutes,
    NotificationPreferences,
    PreferenceRecord,
    PreferencesUpdate,
    defaults,
)

Scope = Literal["room", "sanctum"]
SanctumOf = Callable[[AsyncSession, uuid.UUID], Awaitable[uuid.UUID | None]]
"""The sanctum a room belongs to, if any (chat answers, from its cached room record)."""
MAX_MUTES = 1000
CACHE_SECONDS = 300.0


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def is_quiet(dnd: DoNotDisturb, now: datetime) -> bool:
    """Whether `now` falls in the quiet hours: [start, end) local time; overnight when end <= start
    (22:00-07:00), all day when they are equal."""
    if not dnd.enabled:
        return False
    local = now.astimezone(ZoneInfo(dnd.time_zone)).time().replace(second=0, microsecond=0)
    start, end = _clock(dnd.start), _clock(dnd.end)
    if start == end:
        return True
    if start < end:
        return start <= local < end
    return local >= start or local < end


def _merged(current: NotificationPreferences, update: PreferencesUpdate) -> NotificationPreferences:
    kinds = {**current.kinds, **(update.kinds or {})}
    return NotificationPreferences(
        kinds=kinds,
        email_digest=current.email_digest if update.email_digest is None else update.email_digest,
        dnd=update.dnd or current.dnd,
        link_previews=current.link_previews if update.link_previews is None else update.link_previews,
    )


class PreferenceService:
    def __init__(self, db: Database, cache: Cache, sanctum_of: SanctumOf) -> None:
        self._db = db
        self._sanctum_of = sanctum_of
        self._repo = PreferenceRepository()
        self._records = CachedJson(cache, "notification_prefs", PreferenceRecord, CACHE_SECONDS)
        self.clock: Callable[[], datetime] = utcnow

    # -- reads others make in their session ----------------------------------------------------

    async def preferences_of(self, db: AsyncSession, user_id: uuid.UUID) -> NotificationPreferences:
        data = await self._repo.data(db, user_id)
        base = defaults()
        if not data:
            return base
        stored = NotificationPreferences.model_validate_json(data)
        return NotificationPreferences(
            kinds={**base.kinds, **stored.kinds},
            email_digest=stored.email_digest,
            dnd=stored.dnd,
            link_previews=stored.link_previews,
        )

    async def record(self, db: AsyncSession, user_id: uuid.UUID) -> PreferenceRecord:
        async def load() -> PreferenceRecord:
            mutes = await self._repo.mutes(db, user_id)
            return PreferenceRecord(
                preferences=await self.preferences_of(db, user_id),
                muted_rooms=[target for scope, target in mutes if scope == "room"],
                muted_sanctums=[target for scope, target in mutes if scope == "sanctum"],
            )

        return await self._records.get_or_load(self._records.key(user_id), load)

    async def link_previews(self, db: AsyncSession, user_id: uuid.UUID) -> bool:
        """Whether the user wants link preview cards (one cached read)."""
        return (await self.record(db, user_id)).preferences.link_previews

    async def gate(self, db: AsyncSession, to: uuid.UUID, kind: Kind, data: Mapping[str, str]) -> Delivery:
        """What `to` lets through of this notification (the notifier's one question, see the module)."""
        record = await self.record(db, to)
        if "room_id" in data and (record.muted_rooms or record.muted_sanctums):
            try:
                room_id = uuid.UUID(data["room_id"])
            except ValueError:
                return Delivery(in_app=False, push=False)
            if room_id in record.muted_rooms:
                return Delivery(in_app=False, push=False)
            if record.muted_sanctums and await self._sanctum_of(db, room_id) in record.muted_sanctums:
                return Delivery(in_app=False, push=False)
        prefs = record.preferences
        choice = prefs.kinds.get(kind)
        in_app = choice.in_app if choice is not None else True
        push = kind in PUSH_KINDS and (choice is None or choice.push) and not is_quiet(prefs.dnd, self.clock())
        return Delivery(in_app=in_app, push=push)

    # -- requests -----------------------------------------------------------------------------

    async def get(self, user_id: uuid.UUID) -> NotificationPreferences:
        async with self._db.reader() as db:
            return await self.preferences_of(db, user_id)

    async def update(self, user_id: uuid.UUID, update: PreferencesUpdate) -> NotificationPreferences:
        async with self._db.writer() as db:
            merged = _merged(await self.preferences_of(db, user_id), update)
            await self._repo.save(db, user_id, merged.model_dump_json(), utcnow())
            db.after_commit(partial(self._forget, user_id))
        return merged

    async def mutes(self, user_id: uuid.UUID) -> Mutes:
        async with self._db.reader() as db:
            rows = await self._repo.mutes(db, user_id)
        return Mutes(
            rooms=[target for scope, target in rows if scope == "room"],
            sanctums=[target for scope, target in rows if scope == "sanctum"],
        )

    async def mute(self, user_id: uuid.UUID, scope: Scope, target: uuid.UUID) -> Mutes:
        """Mute a room or sanctum (again is fine). Any id is accepted: muting one you cannot see tells
        nothing and changes nothing but your own notifications."""
        async with self._db.writer() as db:
            if await self._repo.mute_count(db, user_id) >= MAX_MUTES:
                raise QuotaExceeded(
                    "notification_mutes", MAX_MUTES, f"At most {MAX_MUTES} rooms and sanctums can be muted."
                )
            if await self._repo.mute(db, user_id, scope, target, utcnow()):
                db.after_commit(partial(self._forget, user_id))
        return await self.mutes(user_id)

    async def unmute(self, user_id: uuid.UUID, scope: Scope, target: uuid.UUID) -> Mutes:
        async with self._db.writer() as db:
            if await self._repo.unmute(db, user_id, scope, target):
                db.after_commit(partial(self._forget, user_id))
        return await self.mutes(user_id)

    async def _forget(self, user_id: uuid.UUID) -> None:
        await self._records.invalidate(self._records.key(user_id))
