"""The second step of a login, passwordless passkey logins, and the security overview.

Rules:
- Once TOTP is on, a right password alone gives no tokens: the answer is `second_factor_required`
  with a challenge token (5 minutes, single-use, 5 wrong answers), redeemed with a TOTP code, a
  recovery code or one of the account's passkeys.
- A wrong answer is counted in the database before the error is answered; a right one uses the
  challenge and starts the session in the same unit of work, so a challenge starts at most one session.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.errors import ErrorCode, Unauthorized
from sanctum.db.database import Database
from sanctum.domains.accounts.schemas import SecondFactorRequired, TokenPair
from sanctum.domains.accounts.service import AccountService, Actor, ClientInfo
from sanctum.domains.security.challenges import LOGIN, TTL_SECONDS, Challenges
from sanctum.domains.security.passkeys import Passkeys, RelyingParty
from sanctum.domains.security.schemas import PasskeyLogin, SecondFactor, SecurityStatus
from sanctum.domains.security.totp import TwoFactor
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.security")

EXPIRED = "This login has expired or was used; log in again."
WRONG = "That was not accepted; try again."


class LoginSteps:
    def __init__(self, db: Database, accounts: AccountService, totp: TwoFactor, passkeys: Passkeys) -> None:
        self._db, self._accounts, self._totp, self._passkeys = db, accounts, totp, passkeys
        self._challenges = Challenges()

    async def gate(self, db: AsyncSession, user: Any) -> SecondFactorRequired | None:
        """What AccountService.login asks after a right password, in its unit of work (`use_login_gate`)."""
        if not await self._totp.enabled(db, user.id):
            return None
        methods: list[Any] = ["totp", "recovery_code"]
        if await self._passkeys.has_any(db, user.id):
            methods.append("passkey")
        token = await self._challenges.open(db, LOGIN, user.id)
        return SecondFactorRequired(challenge_token=token, methods=methods, expires_in=TTL_SECONDS)

    async def second_factor(self, body: SecondFactor, client: ClientInfo, rp: RelyingParty) -> TokenPair:
        wrong = False
        async with self._db.writer() as db:
            login = await self._challenges.peek(db, body.challenge_token, LOGIN)
            if login is None or login.user_id is None:
                raise Unauthorized(EXPIRED, code=ErrorCode.CHALLENGE_INVALID)
            user_id = login.user_id
            if body.method == "totp":
                ok = body.code is not None and await self._totp.check_code(db, user_id, body.code)
            elif body.method == "recovery_code":
                ok = body.code is not None and await self._totp.use_recovery_code(db, user_id, body.code)
            else:
                ok = (
                    body.ceremony_token is not None
                    and body.credential is not None
                    and await self._passkeys.check_assertion(db, body.ceremony_token, body.credential, rp, user_id)
                    == user_id
                )
            if not ok:
                await self._challenges.wrong_answer(db, body.challenge_token)
                wrong = True
            elif await self._challenges.take(db, body.challenge_token, LOGIN) is None:
                raise Unauthorized(EXPIRED, code=ErrorCode.CHALLENGE_INVALID)
            else:
                pair = await self._accounts.start_checked_session(db, user_id, client)
        if wrong:
            log.info("second_factor_refused", user_id=str(user_id), method=body.method)
            raise Unauthorized(WRONG, code=ErrorCode.SECOND_FACTOR_INVALID)
        log.info("second_factor_accepted", user_id=str(user_id), method=body.method)
        return pair

    async def passkey_login(self, body: PasskeyLogin, client: ClientInfo, rp: RelyingParty) -> TokenPair:
        async with self._db.writer() as db:
            user_id = await self._passkeys.check_assertion(db, body.ceremony_token, body.credential, rp, None)
            if user_id is not None:
                pair = await self._accounts.start_checked_session(db, user_id, client)
        if user_id is None:
            raise Unauthorized("That passkey was not accepted.", code=ErrorCode.PASSKEY_INVALID)
        log.info("passkey_login", user_id=str(user_id))
        return pair

    async def status(self, actor: Actor) -> SecurityStatus:
        async with self._db.reader() as db:
            user = await self._accounts.user_for_security(db, actor.id)
            enabled = await self._totp.enabled(db, actor.id)
            left = await self._totp.recovery_codes_left(db, actor.id) if enabled else 0
            passkeys = await self._passkeys.list(db, actor.id)
        email = user.email if user else actor.user.email
        verified = user is not None and user.email_verified_at is not None
        return SecurityStatus(
            email=email, email_verified=verified, totp_enabled=enabled, recovery_codes_left=left, passkeys=passkeys
        )
