"""The email digest of missed mentions: a round queues a job per user with pending mentions; the job
emails them the ones they still want to hear about, at most one email per user per round.

Rules:
- Pending: a chat mention notification, unread, created at or before the round's cutoff (the round's
  time minus DIGEST__DELAY_MINUTES), that no digest has handled (`digested_at` is null).
- The job claims the user's pending mentions (one conditional UPDATE: a mention goes to one digest
  only, even when two rounds or two workers overlap), then drops the ones the user no longer wants:
  read in the room since (its read watermark passed them), a message deleted or a room they cannot see
  any more, a room or sanctum muted since, the mention kind switched off in-app, a block between them.
  Blocks and mutes already stopped the notification from being made; they are asked again because
  they may have come after it.
- Nothing is emailed, and the claimed mentions stay handled (never emailed later), when the user did
  not choose the digest or has no verified address: turning it on later sends no backlog.
- Quiet hours do not apply: an email waits in the mailbox and interrupts nobody.
- A failed send puts the mentions back (pending) and raises: the queue retries the job.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.db.database import Database
from sanctum.domains.accounts.blocks import BlockService
from sanctum.domains.accounts.service import AccountService
from sanctum.domains.digest.emails import MissedMention, digest, excerpt
from sanctum.domains.notifications.schemas import NotificationRead
from sanctum.domains.notifications.service import NotificationService
from sanctum.domains.preferences.service import PreferenceService
from sanctum.jobs import JobQueue, Payload, PermanentJobError
from sanctum.mail import Mailer
from sanctum.observability.logging import get_logger
from sanctum.settings_groups import DigestSettings

log = get_logger("sanctum.digest")

SEND_DIGEST = "digest.send"


@dataclass(frozen=True, slots=True)
class MentionedMessage:
    """What the digest shows of a mentioned message: where it is and its text."""

    room_name: str
    body: str


MessageLookup = Callable[[AsyncSession, uuid.UUID, uuid.UUID, int], Awaitable[MentionedMessage | None]]
"""Message `message_id` of room `room_id` as user `viewer` may see it, if they may and have not read it
(chat answers; the composition root wires it)."""


class DigestService:
    def __init__(
        self,
        db: Database,
        settings: DigestSettings,
        jobs: JobQueue,
        mailer: Mailer,
        accounts: AccountService,
        blocks: BlockService,
        notifications: NotificationService,
        preferences: PreferenceService,
        messages: MessageLookup,
        base_url: str,
    ) -> None:
        self._db, self._settings, self._jobs, self._mailer = db, settings, jobs, mailer
        self._accounts, self._blocks = accounts, blocks
        self._notifications, self._preferences, self._messages = notifications, preferences, messages
        self._base_url = base_url

    def register_jobs(self) -> None:
        self._jobs.register(SEND_DIGEST, self.send)

    async def run_round(self, at: datetime | None = None) -> int:
        """Queue the digest job of every user with pending mentions as of `at` (now); how many were queued."""
        cutoff = (at or utcnow()) - timedelta(minutes=self._settings.delay_minutes)
        async with self._db.reader() as db:
            users = await self._notifications.digest_recipients(db, cutoff, self._settings.users_per_round)
        for user_id in users:
            await self._jobs.enqueue(SEND_DIGEST, {"user_id": str(user_id), "cutoff": cutoff.isoformat()})
        if users:
            log.info("digest_round", users=len(users))
        return len(users)

    async def send(self, payload: Payload) -> None:
        """The job: claim the user's pending mentions, email the wanted ones (see the module's rules)."""
        try:
            user_id, cutoff = uuid.UUID(str(payload["user_id"])), datetime.fromisoformat(str(payload["cutoff"]))
        except (KeyError, ValueError) as exc:
            raise PermanentJobError(f"bad digest payload: {exc!r}") from exc
        async with self._db.writer() as db:
            claimed = await self._notifications.claim_for_digest(db, user_id, cutoff, self._settings.max_mentions)
            user = await self._accounts.user_for_security(db, user_id)
            if not claimed or user is None or user.email_verified_at is None:
                return
            if not (await self._preferences.preferences_of(db, user_id)).email_digest:
                return
            mentions = [m for n in claimed if (m := await self._wanted(db, user_id, n)) is not None]
        if not mentions:
            return
        email = digest(user.email, user.username, mentions, f"{self._base_url}/settings/notifications")
        try:
            await self._mailer.send(email)
        except Exception:
            async with self._db.writer() as db:
                await self._notifications.release_from_digest(db, [n.id for n in claimed])
            raise
        log.info("digest_sent", user_id=str(user_id), mentions=len(mentions))

    async def _wanted(self, db: AsyncSession, user_id: uuid.UUID, n: NotificationRead) -> MissedMention | None:
        try:
            room_id, message_id = uuid.UUID(n.data["room_id"]), int(n.data["message_id"])
        except (KeyError, ValueError):
            return None
        if n.actor is None or await self._blocks.apart(db, user_id, n.actor.id):
            return None
        if not (await self._preferences.gate(db, user_id, "mention", n.data)).in_app:
            return None  # muted since, or mentions switched off
        message = await self._messages(db, user_id, room_id, message_id)
        if message is None:
            return None
        return MissedMention(
            by=n.actor.display_name or n.actor.username,
            room=message.room_name,
            link=f"{self._base_url}/chat/{room_id}",
            excerpt=excerpt(message.body),
            at=n.created_at,
        )
