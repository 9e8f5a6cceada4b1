"""Emailed links: verification of the address, change of address, password reset; and password change.

Rules:
- A request only spends its rate limits (per client address on the route, per email address here) and
  enqueues a job, whatever the address: the answer and its timing are the same whether or not an
  account has it. The job looks the account up, makes the token and sends the email; a slow SMTP
  server slows no request, and no token ever sits in the job queue.
- A token is 32 random bytes, stored as its SHA-256 digest, single-use (one conditional UPDATE wins),
  and only the latest link of a purpose works. Verification links live EMAIL__VERIFY_TTL_HOURS, reset
  links EMAIL__RESET_TTL_SECONDS (1 hour).
- A new address becomes the account's only when the link sent to it is followed.
- A password reset ends every session of the account; a password change ends all but the caller's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sanctum.core.clock import utcnow
from sanctum.core.errors import Conflict, ErrorCode, ServiceUnavailable, Unauthorized, ValidationFailed
from sanctum.core.ids import new_token
from sanctum.core.security import token_digest
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.security import emails
from sanctum.domains.security.models import EmailToken
from sanctum.domains.security.repository import SecurityRepository
from sanctum.jobs import JobQueue, Payload
from sanctum.mail import Email, Mailer
from sanctum.observability.logging import get_logger
from sanctum.ratelimit import RateLimiter
from sanctum.settings_groups import EmailSettings

log = get_logger("sanctum.security")

VERIFY, CHANGE, RESET = "verify", "change", "reset"
SEND_VERIFICATION = "security.send_verification"
SEND_EMAIL_CHANGE = "security.send_email_change"
SEND_PASSWORD_RESET = "security.send_password_reset"
INVALID_LINK = "This link is not valid any more: it was used, it expired, or a newer one was sent."


class Registered(Protocol):
    id: uuid.UUID


@dataclass(frozen=True, slots=True)
class Holder:
    """Who did it, for the audit log, when no session says so: the holder of an emailed link."""

    id: uuid.UUID
    ip: str = ""


class EmailFlows:
    def __init__(
        self,
        db: Database,
        accounts: AccountService,
        jobs: JobQueue,
        mailer: Mailer,
        limiter: RateLimiter,
        settings: EmailSettings,
        base_url: str,
    ) -> None:
        self._db, self._accounts, self._jobs, self._mailer = db, accounts, jobs, mailer
        self._limiter, self._settings, self._base_url = limiter, settings, base_url
        self._repo = SecurityRepository()
        self._audit = AuditLog()

    def register_jobs(self) -> None:
        self._jobs.register(SEND_VERIFICATION, self._send_verification)
        self._jobs.register(SEND_EMAIL_CHANGE, self._send_email_change)
        self._jobs.register(SEND_PASSWORD_RESET, self._send_password_reset)

    # -- requests: spend the limits, enqueue, answer the same ------------------------------

    def after_registered(self, db: UnitOfWork, user: Registered) -> None:
        """In the registration's unit of work: the verification email, queued through its outbox once the
        account commits (a crash right after the commit still sends it)."""
        self._jobs.enqueue_after_commit(db, SEND_VERIFICATION, {"user_id": str(user.id)})

    async def resend_verification(self, actor: Actor) -> None:
        await self._limiter.hit("email_per_address", actor.user.email)
        if actor.user.email_verified_at is None:
            await self._enqueue(SEND_VERIFICATION, {"user_id": str(actor.id)})

    async def request_email_change(self, actor: Actor, new_email: str, password: str) -> None:
        if not await self._accounts.check_password(actor.user, password):
            raise ValidationFailed("The password is not correct.", fields={"password": "is not correct"})
        new_email = new_email.lower()
        await self._limiter.hit("email_per_address", new_email)
        if new_email != actor.user.email:
            await self._enqueue(SEND_EMAIL_CHANGE, {"user_id": str(actor.id), "email": new_email})

    async def request_password_reset(self, email: str) -> None:
        email = email.lower()
        await self._limiter.hit("email_per_address", email)
        await self._enqueue(SEND_PASSWORD_RESET, {"email": email})

    async def _enqueue(self, job: str, payload: Payload) -> None:
        try:
            await self._jobs.enqueue(job, payload)
        except Exception as exc:
            log.warning("email_not_enqueued", job=job, error=str(exc)[:200])
            raise ServiceUnavailable("Email cannot be sent right now; try again shortly.") from exc

    # -- following a link ------------------------------------------------------------------

    async def verify_email(self, token: str, ip: str = "") -> None:
        """A verification link (the current address) or a change link (the new one becomes the account's)."""
        now = utcnow()
        async with self._db.writer() as db:
            row = await self._repo.take_email_token(db, token_digest(token), VERIFY, now)
            row = row or await self._repo.take_email_token(db, token_digest(token), CHANGE, now)
            user = await self._accounts.user_for_security(db, row.user_id) if row else None
            if row is None or user is None:
                raise Unauthorized(INVALID_LINK, code=ErrorCode.EMAIL_TOKEN_INVALID)
            if row.purpose == VERIFY:
                if user.email != row.email:  # the address changed since: this link verifies nothing
                    raise Unauthorized(INVALID_LINK, code=ErrorCode.EMAIL_TOKEN_INVALID)
                action = AuditAction.EMAIL_VERIFY
            else:
                if await self._accounts.email_taken(db, row.email):
                    raise Conflict("Another account uses that address now.", code=ErrorCode.ACCOUNT_EXISTS)
                action = AuditAction.EMAIL_CHANGE
            await self._accounts.set_email(db, user, row.email, verified=True)
            await self._audit.record(db, Holder(user.id, ip), action, "user", user.id)
        log.info("email_verified", user_id=str(row.user_id), purpose=row.purpose)

    async def reset_password(self, token: str, new_password: str, ip: str = "") -> int:
        password_hash = await self._accounts.hash_password(new_password)
        async with self._db.writer() as db:
            row = await self._repo.take_email_token(db, token_digest(token), RESET, utcnow())
            user = await self._accounts.user_for_security(db, row.user_id) if row else None
            if row is None or user is None:
                raise Unauthorized(INVALID_LINK, code=ErrorCode.EMAIL_TOKEN_INVALID)
            ended = await self._accounts.set_password(
                db, user, password_hash, keep_session=None, reason="password_reset"
            )
            if user.email_verified_at is None and user.email == row.email:
                # Following a link sent to the address proves it as well as a verification link does.
                await self._accounts.set_email(db, user, row.email, verified=True)
            meta = {"sessions_ended": ended}
            await self._audit.record(
                db, Holder(user.id, ip), AuditAction.PASSWORD_RESET, "user", user.id, metadata=meta
            )
        log.info("password_reset", user_id=str(row.user_id), sessions_ended=ended)
        return ended

    async def change_password(self, actor: Actor, current: str, new: str) -> int:
        if not await self._accounts.check_password(actor.user, current):
            raise ValidationFailed(
                "The current password is not correct.", fields={"current_password": "is not correct"}
            )
        password_hash = await self._accounts.hash_password(new)
        async with self._db.writer() as db:
            user = await self._accounts.user_for_security(db, actor.id)
            if user is None:
                raise Unauthorized("This account no longer exists.", code=ErrorCode.INVALID_TOKEN)
            ended = await self._accounts.set_password(
                db, user, password_hash, keep_session=actor.session_id, reason="password_changed"
            )
            meta = {"sessions_ended": ended}
            await self._audit.record(db, actor, AuditAction.PASSWORD_CHANGE, "user", actor.id, metadata=meta)
        log.info("password_changed", user_id=str(actor.id), sessions_ended=ended)
        return ended

    # -- jobs: look up, make the token, send ----------------------------------------------

    async def _issue(self, user_id: uuid.UUID, purpose: str, email: str, ttl: timedelta) -> str:
        token, now = new_token(), utcnow()
        async with self._db.writer() as db:
            await self._repo.retire_email_tokens(db, user_id, purpose, now)
            db.add(
                EmailToken(
                    id=uuid.uuid4(),
                    user_id=user_id,
                    purpose=purpose,
                    token_hash=token_digest(token),
                    email=email,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )
        return token

    def _link(self, page: str, token: str) -> str:
        return f"{self._base_url}/{page}#token={token}"

    async def _send(self, email: Email) -> None:
        await self._mailer.send(email)

    async def _send_verification(self, payload: Payload) -> None:
        async with self._db.reader() as db:
            user = await self._accounts.user_for_security(db, uuid.UUID(payload["user_id"]))
        if user is None or user.email_verified_at is not None:
            return
        hours = self._settings.verify_ttl_hours
        token = await self._issue(user.id, VERIFY, user.email, timedelta(hours=hours))
        await self._send(emails.verify_address(user.email, user.username, self._link("verify-email", token), hours))

    async def _send_email_change(self, payload: Payload) -> None:
        email = str(payload["email"])
        async with self._db.reader() as db:
            user = await self._accounts.user_for_security(db, uuid.UUID(payload["user_id"]))
            taken = await self._accounts.email_taken(db, email)
        if user is None or taken:
            log.info("email_change_not_sent", reason="gone" if user is None else "address_in_use")
            return
        hours = self._settings.verify_ttl_hours
        token = await self._issue(user.id, CHANGE, email, timedelta(hours=hours))
        await self._send(emails.confirm_new_address(email, user.username, self._link("verify-email", token), hours))

    async def _send_password_reset(self, payload: Payload) -> None:
        async with self._db.reader() as db:
            user = await self._accounts.user_by_email(db, str(payload["email"]))
        if user is None:
            log.info("password_reset_not_sent", reason="no_account")
            return
        ttl = self._settings.reset_ttl_seconds
        token = await self._issue(user.id, RESET, user.email, timedelta(seconds=ttl))
        link = self._link("reset-password", token)
        await self._send(emails.reset_password(user.email, user.username, link, ttl // 60))
