"""Short-lived single-use challenges, kept in the database (table `auth_challenges`).

A challenge is either a login waiting for its second factor (`login`, 5 minutes, 5 wrong answers) or
a passkey ceremony (`passkey_register`, `passkey_login`: the WebAuthn challenge the browser signs).
The client holds a random token; the table holds its SHA-256 digest. The database rather than the
cache: every instance sees it, with or without Redis, and consuming it is one conditional UPDATE that
exactly one request wins. Tokens travel in JSON bodies, never in URLs.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.ids import new_token
from sanctum.core.security import token_digest
from sanctum.domains.security.models import AuthChallenge
from sanctum.domains.security.repository import SecurityRepository

LOGIN, PASSKEY_REGISTER, PASSKEY_LOGIN = "login", "passkey_register", "passkey_login"
TTL_SECONDS = 300
MAX_ATTEMPTS = 5


class Challenges:
    def __init__(self) -> None:
        self._repo = SecurityRepository()

    async def open(
        self, db: AsyncSession, kind: str, user_id: uuid.UUID | None, webauthn_challenge: bytes | None = None
    ) -> str:
        token, now = new_token(), utcnow()
        await self._repo.purge_challenges(db, now)
        db.add(
            AuthChallenge(
                id=token_digest(token),
                kind=kind,
                user_id=user_id,
                webauthn_challenge=webauthn_challenge,
                attempts=0,
                expires_at=now + timedelta(seconds=TTL_SECONDS),
            )
        )
        return token

    async def peek(self, db: AsyncSession, token: str, kind: str) -> AuthChallenge | None:
        """The open challenge `token` names, without using it."""
        return await self._repo.challenge(db, token_digest(token), kind, utcnow())

    async def take(self, db: AsyncSession, token: str, kind: str) -> AuthChallenge | None:
        """The open challenge `token` names, now used (None if it was not open, or another request won it)."""
        row = await self.peek(db, token, kind)
        if row is None or not await self._repo.use_challenge(db, row.id, utcnow()):
            return None
        return row

    async def wrong_answer(self, db: AsyncSession, token: str) -> None:
        await self._repo.count_attempt(db, token_digest(token), MAX_ATTEMPTS, utcnow())
