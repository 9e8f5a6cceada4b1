"""Mute, ban and suspend from a report: the reports queue's `Enforcer`, through the sanctions' own use
cases, so each action checks its own permission (`user.mute`, `user.ban`, `site.admin`) and writes its
own audit row, exactly as when a moderator acts from a room or a profile.

Rules: the target is the report's `target_user_id` (whose content it is, or who was reported). A mute
is room-wide for content in a room outside any sanctum and sanctum-wide otherwise; a ban needs a
sanctum (people are banned from a sanctum, not from the site: that is a suspension). Without a
duration a mute lasts a day and a suspension until lifted.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Protocol

from sanctum.core import clock
from sanctum.core.errors import ValidationFailed
from sanctum.db.database import Database
from sanctum.domains.accounts.service import Actor
from sanctum.domains.chat.moderation import ChatModeration
from sanctum.domains.moderation.sanctions import Sanctions
from sanctum.domains.moderation.schemas import SuspensionCreate
from sanctum.domains.sanctums.service import SanctumService

DEFAULT_MUTE_SECONDS = 86_400


class ReportedTarget(Protocol):
    """What acting on a report needs of it."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def reason(self) -> str: ...
    @property
    def target_user_id(self) -> uuid.UUID | None: ...
    @property
    def sanctum_id(self) -> uuid.UUID | None: ...
    @property
    def room_id(self) -> uuid.UUID | None: ...


class ReportSanctions:
    def __init__(
        self, db: Database, sanctums: SanctumService, sanctions: Sanctions, chat_moderation: ChatModeration
    ) -> None:
        self._db, self._sanctums, self._sanctions, self._chat = db, sanctums, sanctions, chat_moderation

    async def enforce(self, actor: Actor, report: ReportedTarget, action: str, duration_seconds: int | None) -> None:
        user_id = report.target_user_id
        if user_id is None:
            raise ValidationFailed(fields={"action": "this report names nobody to act on"})
        reason = f"report {report.id}: {report.reason}"
        if action == "suspend":
            until = clock.utcnow() + timedelta(seconds=duration_seconds) if duration_seconds else None
            await self._sanctions.suspend(actor, user_id, SuspensionCreate(reason=reason, until=until))
        elif action == "mute" and report.sanctum_id is None and report.room_id is not None:
            await self._chat.mute(actor, report.room_id, user_id, duration_seconds or DEFAULT_MUTE_SECONDS, reason)
        elif report.sanctum_id is None:
            raise ValidationFailed(fields={"action": f"{action} needs content in a sanctum or a room"})
        else:
            async with self._db.reader() as db:
                slug = (await self._sanctums.access_by_id(db, actor.id, report.sanctum_id)).sanctum.slug
            if action == "mute":
                await self._sanctions.mute(actor, slug, user_id, duration_seconds or DEFAULT_MUTE_SECONDS, reason)
            elif action == "ban":
                await self._sanctions.ban(actor, slug, user_id, reason, True)
            else:
                raise ValidationFailed(fields={"action": f"unknown action {action}"})
