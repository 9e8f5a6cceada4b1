"""Every query of account security. A token, challenge or code is consumed by one conditional UPDATE,
so of two concurrent requests presenting it exactly one wins."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.dialect import affected
from sanctum.domains.security.models import AuthChallenge, EmailToken, Passkey, RecoveryCode, TotpSecret


class SecurityRepository:
    # -- emailed links ----------------------------------------------------------------------

    async def retire_email_tokens(self, db: AsyncSession, user_id: uuid.UUID, purpose: str, now: datetime) -> None:
        """Older unused links of that purpose stop working: only the latest email's link does."""
        await db.execute(
            update(EmailToken)
            .where(EmailToken.user_id == user_id, EmailToken.purpose == purpose, EmailToken.used_at.is_(None))
            .values(used_at=now)
        )

    async def take_email_token(self, db: AsyncSession, digest: str, purpose: str, now: datetime) -> EmailToken | None:
        row = (
            await db.execute(select(EmailToken).where(EmailToken.token_hash == digest, EmailToken.purpose == purpose))
        ).scalar_one_or_none()
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        won = await db.execute(
            update(EmailToken).where(EmailToken.id == row.id, EmailToken.used_at.is_(None)).values(used_at=now)
        )
        return row if affected(won) else None

    # -- challenges -------------------------------------------------------------------------

    async def challenge(self, db: AsyncSession, digest: str, kind: str, now: datetime) -> AuthChallenge | None:
        row = await db.get(AuthChallenge, digest)
        if row is None or row.kind != kind or row.used_at is not None or row.expires_at <= now:
            return None
        return row

    async def use_challenge(self, db: AsyncSession, digest: str, now: datetime) -> bool:
        won = await db.execute(
            update(AuthChallenge)
            .where(AuthChallenge.id == digest, AuthChallenge.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(affected(won))

    async def count_attempt(self, db: AsyncSession, digest: str, max_attempts: int, now: datetime) -> None:
        """A wrong answer: after `max_attempts` of them the challenge is spent."""
        await db.execute(
            update(AuthChallenge)
            .where(AuthChallenge.id == digest)
            .values(attempts=AuthChallenge.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        await db.execute(
            update(AuthChallenge)
            .where(AuthChallenge.id == digest, AuthChallenge.attempts >= max_attempts)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )

    async def purge_challenges(self, db: AsyncSession, now: datetime) -> None:
        await db.execute(delete(AuthChallenge).where(AuthChallenge.expires_at <= now))

    # -- TOTP and recovery codes ------------------------------------------------------------

    async def totp(self, db: AsyncSession, user_id: uuid.UUID) -> TotpSecret | None:
        return await db.get(TotpSecret, user_id)

    async def drop_totp(self, db: AsyncSession, user_id: uuid.UUID) -> None:
        await db.execute(delete(TotpSecret).where(TotpSecret.user_id == user_id))
        await db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))

    async def advance_step(self, db: AsyncSession, user_id: uuid.UUID, step: int) -> bool:
        """Record `step` as used; false when it (or a later one) was used already: a replay."""
        won = await db.execute(
            update(TotpSecret)
            .where(TotpSecret.user_id == user_id, TotpSecret.last_step < step)
            .values(last_step=step)
            .execution_options(synchronize_session=False)
        )
        return bool(affected(won))

    async def replace_recovery_codes(self, db: AsyncSession, user_id: uuid.UUID, digests: list[str]) -> None:
        await db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
        db.add_all(RecoveryCode(id=uuid.uuid4(), user_id=user_id, code_hash=d) for d in digests)

    async def use_recovery_code(self, db: AsyncSession, user_id: uuid.UUID, digest: str, now: datetime) -> bool:
        won = await db.execute(
            update(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.code_hash == digest, RecoveryCode.used_at.is_(None))
            .values(used_at=now)
        )
        return bool(affected(won))

    async def recovery_codes_left(self, db: AsyncSession, user_id: uuid.UUID) -> int:
        query = select(func.count()).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        return int((await db.execute(query)).scalar_one())

    # -- passkeys ---------------------------------------------------------------------------

    async def passkeys(self, db: AsyncSession, user_id: uuid.UUID) -> list[Passkey]:
        query = select(Passkey).where(Passkey.user_id == user_id).order_by(Passkey.created_at, Passkey.id)
        return list((await db.execute(query)).scalars())

    async def passkey_by_credential(self, db: AsyncSession, credential_id: bytes) -> Passkey | None:
        return (await db.execute(select(Passkey).where(Passkey.credential_id == credential_id))).scalar_one_or_none()

    async def delete_passkey(self, db: AsyncSession, user_id: uuid.UUID, passkey_id: uuid.UUID) -> bool:
        gone = await db.execute(delete(Passkey).where(Passkey.user_id == user_id, Passkey.id == passkey_id))
        return bool(affected(gone))

    async def has_passkeys(self, db: AsyncSession, user_id: uuid.UUID) -> bool:
        return (await db.execute(select(Passkey.id).where(Passkey.user_id == user_id).limit(1))).first() is not None
