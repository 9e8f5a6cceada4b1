"""Two-factor with TOTP (RFC 6238, pyotp) and recovery codes.

Rules:
- Enrolment makes a secret and shows it as a QR code; nothing is required at login until a first
  code proves the app holds it (`confirm`), which also hands out 10 recovery codes, shown once.
- A code is accepted for the current 30 s step and one either side (clock drift); each accepted step
  is recorded, and a code of that step or an earlier one is refused: a code works once.
- Recovery codes are stored as SHA-256 digests and each works once.
- Turning TOTP off needs a current code or the password.
- The secret is stored encrypted (Fernet, a key derived from SECRET_KEY): a copy of the database alone
  does not give anyone the codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
import uuid

import pyotp
import qrcode
import qrcode.image.svg
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import Conflict, ErrorCode, ValidationFailed
from sanctum.core.security import token_digest
from sanctum.db.database import Database
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.security.models import TotpSecret
from sanctum.domains.security.repository import SecurityRepository
from sanctum.domains.security.schemas import RecoveryCodes, TotpEnrolment
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.security")

ISSUER = "Sanctum"
STEP_SECONDS = 30
RECOVERY_CODES = 10
WRONG_CODE = "That code is not right, or it was used already."


def normalize_recovery_code(code: str) -> str:
    return code.strip().lower().replace("-", "")


def _new_recovery_code() -> str:
    raw = secrets.token_hex(5)  # 40 random bits; a wrong guess costs a rate-limited request
    return f"{raw[:5]}-{raw[5:]}"


def qr_svg_data_url(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


class TwoFactor:
    def __init__(self, db: Database, accounts: AccountService, secret_key: str) -> None:
        self._db, self._accounts = db, accounts
        key = hashlib.sha256(b"sanctum:totp-secrets:" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._repo = SecurityRepository()
        self._audit = AuditLog()

    def _secret(self, row: TotpSecret) -> str:
        return self._fernet.decrypt(row.secret_encrypted.encode()).decode()

    async def enabled(self, db: AsyncSession, user_id: uuid.UUID) -> bool:
        row = await self._repo.totp(db, user_id)
        return row is not None and row.enabled_at is not None

    async def enrol(self, actor: Actor) -> TotpEnrolment:
        secret = pyotp.random_base32()
        async with self._db.writer() as db:
            row = await self._repo.totp(db, actor.id)
            if row is not None and row.enabled_at is not None:
                raise Conflict("Two-factor is on already; turn it off first.", code=ErrorCode.TOTP_ALREADY_ENABLED)
            if row is None:
                row = TotpSecret(user_id=actor.id, created_at=utcnow(), last_step=0)
                db.add(row)
            row.secret_encrypted = self._fernet.encrypt(secret.encode()).decode()
            row.created_at = utcnow()
        uri = pyotp.TOTP(secret).provisioning_uri(name=actor.user.username, issuer_name=ISSUER)
        return TotpEnrolment(secret=secret, otpauth_uri=uri, qr_svg_data_url=qr_svg_data_url(uri))

    async def confirm(self, actor: Actor, code: str) -> RecoveryCodes:
        async with self._db.writer() as db:
            row = await self._repo.totp(db, actor.id)
            if row is None or row.enabled_at is not None:
                raise Conflict("Start the enrolment first.", code=ErrorCode.TOTP_NOT_ENABLED)
            if not await self._check(db, row, code):
                raise ValidationFailed(
                    WRONG_CODE, code=ErrorCode.SECOND_FACTOR_INVALID, fields={"code": "is not right"}
                )
            row.enabled_at = utcnow()
            codes = await self._new_recovery_codes(db, actor.id)
            await self._audit.record(db, actor, AuditAction.TOTP_ENABLE, "user", actor.id)
        log.info("totp_enabled", user_id=str(actor.id))
        return codes

    async def regenerate_recovery_codes(self, actor: Actor, code: str) -> RecoveryCodes:
        async with self._db.writer() as db:
            row = await self._enabled_row(db, actor.id)
            if not await self._check(db, row, code):
                raise ValidationFailed(
                    WRONG_CODE, code=ErrorCode.SECOND_FACTOR_INVALID, fields={"code": "is not right"}
                )
            codes = await self._new_recovery_codes(db, actor.id)
            await self._audit.record(db, actor, AuditAction.RECOVERY_CODES_REGENERATE, "user", actor.id)
        log.info("recovery_codes_regenerated", user_id=str(actor.id))
        return codes

    async def disable(self, actor: Actor, code: str | None, password: str | None) -> None:
        if code is None and password is None:
            raise ValidationFailed("Send a current code or your password.", fields={"code": "is required"})
        if password is not None and code is None and not await self._accounts.check_password(actor.user, password):
            raise ValidationFailed("The password is not correct.", fields={"password": "is not correct"})
        async with self._db.writer() as db:
            row = await self._enabled_row(db, actor.id)
            if code is not None and not await self._check(db, row, code):
                raise ValidationFailed(
                    WRONG_CODE, code=ErrorCode.SECOND_FACTOR_INVALID, fields={"code": "is not right"}
                )
            await self._repo.drop_totp(db, actor.id)
            how = {"with": "code" if code is not None else "password"}
            await self._audit.record(db, actor, AuditAction.TOTP_DISABLE, "user", actor.id, metadata=how)
        log.info("totp_disabled", user_id=str(actor.id))

    async def _enabled_row(self, db: AsyncSession, user_id: uuid.UUID) -> TotpSecret:
        row = await self._repo.totp(db, user_id)
        if row is None or row.enabled_at is None:
            raise Conflict("Two-factor is not on.", code=ErrorCode.TOTP_NOT_ENABLED)
        return row

    async def _new_recovery_codes(self, db: AsyncSession, user_id: uuid.UUID) -> RecoveryCodes:
        codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
        await self._repo.replace_recovery_codes(db, user_id, [token_digest(normalize_recovery_code(c)) for c in codes])
        return RecoveryCodes(codes=codes)

    async def _check(self, db: AsyncSession, row: TotpSecret, code: str) -> bool:
        """Whether `code` is right for a step not used before; records the step it is for."""
        totp = pyotp.TOTP(self._secret(row))
        now = int(utcnow().timestamp())
        for offset in (-1, 0, 1):
            at = now + offset * STEP_SECONDS
            if hmac.compare_digest(totp.at(at), code):
                return await self._repo.advance_step(db, row.user_id, at // STEP_SECONDS)
        return False

    async def check_code(self, db: AsyncSession, user_id: uuid.UUID, code: str) -> bool:
        """A login's second step: a TOTP code (in the caller's unit of work)."""
        row = await self._repo.totp(db, user_id)
        return row is not None and row.enabled_at is not None and await self._check(db, row, code)

    async def use_recovery_code(self, db: AsyncSession, user_id: uuid.UUID, code: str) -> bool:
        if not await self.enabled(db, user_id):
            return False
        used = await self._repo.use_recovery_code(db, user_id, token_digest(normalize_recovery_code(code)), utcnow())
        if used:
            log.info("recovery_code_used", user_id=str(user_id))
        return used

    async def recovery_codes_left(self, db: AsyncSession, user_id: uuid.UUID) -> int:
        return await self._repo.recovery_codes_left(db, user_id)
