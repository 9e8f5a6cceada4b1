"""Passkeys (WebAuthn, py_webauthn): registered in settings, used as a login's second factor or as a
passwordless login.

Rules:
- Every ceremony's challenge is made here, kept server-side (challenges.py) and used once.
- A passkey is bound to the relying party: PUBLIC_URL's host (or the request's host when it is unset,
  in development); the browser's origin must match it.
- A passwordless login requires user verification (the passkey is both factors); as a second factor
  after a password, user presence is enough.
- Sign counters that go backwards are refused (a cloned authenticator), except the 0 that synced
  passkeys always report.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import webauthn
from sqlalchemy.ext.asyncio import AsyncSession
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, NotFound, ValidationFailed
from sanctum.db.database import Database
from sanctum.domains.accounts.service import Actor
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.security.challenges import LOGIN, PASSKEY_LOGIN, PASSKEY_REGISTER, Challenges
from sanctum.domains.security.models import Passkey
from sanctum.domains.security.repository import SecurityRepository
from sanctum.domains.security.schemas import PasskeyRead, PasskeyRegistration, WebAuthnOptions
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.security")

RP_NAME = "Sanctum"
MAX_PASSKEYS = 20
NOT_ACCEPTED = "That passkey was not accepted."


@dataclass(frozen=True, slots=True)
class RelyingParty:
    id: str
    origin: str


def to_read(passkey: Passkey) -> PasskeyRead:
    return PasskeyRead.model_validate(passkey, from_attributes=True)


def _options(token: str, options: Any) -> WebAuthnOptions:
    return WebAuthnOptions(ceremony_token=token, options=json.loads(webauthn.options_to_json(options)))


class Passkeys:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._challenges = Challenges()
        self._repo = SecurityRepository()
        self._audit = AuditLog()

    async def list(self, db: AsyncSession, user_id: uuid.UUID) -> list[PasskeyRead]:
        return [to_read(p) for p in await self._repo.passkeys(db, user_id)]

    async def has_any(self, db: AsyncSession, user_id: uuid.UUID) -> bool:
        return await self._repo.has_passkeys(db, user_id)

    async def registration_options(self, actor: Actor, rp: RelyingParty) -> WebAuthnOptions:
        async with self._db.writer() as db:
            existing = await self._repo.passkeys(db, actor.id)
            if len(existing) >= MAX_PASSKEYS:
                raise ValidationFailed(f"At most {MAX_PASSKEYS} passkeys per account.", fields={"name": "too many"})
            options = webauthn.generate_registration_options(
                rp_id=rp.id,
                rp_name=RP_NAME,
                user_id=actor.id.bytes,
                user_name=actor.user.username,
                user_display_name=actor.user.display_name,
                authenticator_selection=AuthenticatorSelectionCriteria(
                    resident_key=ResidentKeyRequirement.REQUIRED,
                    user_verification=UserVerificationRequirement.PREFERRED,
                ),
                exclude_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in existing],
            )
            token = await self._challenges.open(db, PASSKEY_REGISTER, actor.id, options.challenge)
        return _options(token, options)

    async def register(self, actor: Actor, body: PasskeyRegistration, rp: RelyingParty) -> PasskeyRead:
        failed = False
        async with self._db.writer() as db:
            row = await self._challenges.take(db, body.ceremony_token, PASSKEY_REGISTER)
            if row is None or row.user_id != actor.id or row.webauthn_challenge is None:
                raise ValidationFailed(NOT_ACCEPTED, code=ErrorCode.CHALLENGE_INVALID)
            try:
                verified = webauthn.verify_registration_response(
                    credential=body.credential,
                    expected_challenge=row.webauthn_challenge,
                    expected_rp_id=rp.id,
                    expected_origin=rp.origin,
                )
            except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
                log.info("passkey_not_registered", user_id=str(actor.id), reason=str(exc)[:200])
                failed = True  # the challenge stays used: leave the block so that commits
            else:
                if await self._repo.passkey_by_credential(db, verified.credential_id) is not None:
                    raise ValidationFailed("That passkey is registered already.", code=ErrorCode.PASSKEY_INVALID)
                passkey = Passkey(
                    id=uuid.uuid4(),
                    user_id=actor.id,
                    credential_id=verified.credential_id,
                    public_key=verified.credential_public_key,
                    sign_count=verified.sign_count,
                    name=body.name,
                    created_at=utcnow(),
                    last_used_at=None,
                )
                db.add(passkey)
                meta = {"name": body.name}
                await self._audit.record(db, actor, AuditAction.PASSKEY_ADD, "user", actor.id, metadata=meta)
        if failed:
            raise ValidationFailed(NOT_ACCEPTED, code=ErrorCode.PASSKEY_INVALID)
        log.info("passkey_registered", user_id=str(actor.id))
        return to_read(passkey)

    async def remove(self, actor: Actor, passkey_id: uuid.UUID) -> None:
        async with self._db.writer() as db:
            if not await self._repo.delete_passkey(db, actor.id, passkey_id):
                raise NotFound("No such passkey.", code=ErrorCode.PASSKEY_NOT_FOUND)
            await self._audit.record(
                db, actor, AuditAction.PASSKEY_REMOVE, "user", actor.id, metadata={"id": passkey_id}
            )
        log.info("passkey_removed", user_id=str(actor.id))

    async def login_options(self, challenge_token: str | None, rp: RelyingParty) -> WebAuthnOptions:
        """For a second factor (the login's challenge token names the account) or a passwordless login."""
        async with self._db.writer() as db:
            user_id: uuid.UUID | None = None
            allow: list[PublicKeyCredentialDescriptor] = []
            if challenge_token is not None:
                login = await self._challenges.peek(db, challenge_token, LOGIN)
                if login is None or login.user_id is None:
                    raise ValidationFailed("This login has expired; start again.", code=ErrorCode.CHALLENGE_INVALID)
                user_id = login.user_id
                allow = [
                    PublicKeyCredentialDescriptor(id=p.credential_id) for p in await self._repo.passkeys(db, user_id)
                ]
            options = webauthn.generate_authentication_options(
                rp_id=rp.id,
                allow_credentials=allow,
                user_verification=UserVerificationRequirement.PREFERRED
                if user_id
                else UserVerificationRequirement.REQUIRED,
            )
            token = await self._challenges.open(db, PASSKEY_LOGIN, user_id, options.challenge)
        return _options(token, options)

    async def check_assertion(
        self,
        db: AsyncSession,
        ceremony_token: str,
        credential: dict[str, Any],
        rp: RelyingParty,
        user_id: uuid.UUID | None,
    ) -> uuid.UUID | None:
        """The account a passkey assertion proves (in the caller's unit of work), or None.

        `user_id` is the account a second factor is for; None for a passwordless login."""
        row = await self._challenges.take(db, ceremony_token, PASSKEY_LOGIN)
        if row is None or row.webauthn_challenge is None or row.user_id != user_id:
            return None
        try:
            parsed = parse_authentication_credential_json(credential)
            passkey = await self._repo.passkey_by_credential(db, parsed.raw_id)
            if passkey is None or (user_id is not None and passkey.user_id != user_id):
                return None
            verified = webauthn.verify_authentication_response(
                credential=parsed,
                expected_challenge=row.webauthn_challenge,
                expected_rp_id=rp.id,
                expected_origin=rp.origin,
                credential_public_key=passkey.public_key,
                credential_current_sign_count=passkey.sign_count,
                require_user_verification=user_id is None,
            )
        except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
            log.info("passkey_assertion_refused", reason=str(exc)[:200])
            return None
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = utcnow()
        return passkey.user_id
