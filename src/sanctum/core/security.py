"""Security primitives: password hashing, token digests and JWT access tokens."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sanctum.core.clock import utcnow


class PasswordHashing:
    """argon2id hashing; parameters come from settings so tests can run cheaply."""

    def __init__(self, time_cost: int, memory_cost_kib: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)
        # Verifying against this keeps the time of a login for an unknown account
        # the same as for a known one, so timing does not reveal which accounts exist.
        self._dummy = self._hasher.hash("dummy password for timing equalisation")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, hashed: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(hashed or self._dummy, password) and hashed is not None
        except (VerificationError, InvalidHashError):
            return False


def token_digest(token: str) -> str:
    """Refresh tokens and tickets are stored only as digests."""
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    expires_at: datetime


class InvalidToken(Exception):
    """The token is malformed, forged, expired or of the wrong type."""


class AccessTokens:
    """Issues and checks access tokens (HS256 JWTs naming the user and the session).

    A token's claims never change, so once its signature checked out the claims are remembered by
    the token itself (a bounded map, oldest out first): every later request with it costs a dict
    look-up and an expiry comparison instead of ~50 µs of base64, HMAC and JSON. Whether the session
    is still alive is not in the token; authentication checks that on every request."""

    ALGORITHM = "HS256"
    REMEMBERED = 20_000

    def __init__(self, secret: str, ttl: timedelta, issuer: str = "sanctum") -> None:
        self._secret = secret
        self._ttl = ttl
        self._issuer = issuer
        self._verified: OrderedDict[str, AccessClaims] = OrderedDict()

    @property
    def ttl_seconds(self) -> int:
        return int(self._ttl.total_seconds())

    def issue(self, user_id: uuid.UUID, session_id: uuid.UUID) -> str:
        now = utcnow()
        payload = {
            "sub": str(user_id),
            "sid": str(session_id),
            "typ": "access",
            "jti": uuid.uuid4().hex,
            "iss": self._issuer,
            "iat": int(now.timestamp()),
            "exp": int((now + self._ttl).timestamp()),
        }
        return jwt.encode(payload, self._secret, algorithm=self.ALGORITHM)

    def decode(self, token: str) -> AccessClaims:
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            self._verified[token] = claims
            if len(self._verified) > self.REMEMBERED:
                self._verified.popitem(last=False)
        if claims.expires_at <= utcnow():
            self._verified.pop(token, None)
            raise InvalidToken("Signature has expired")
        return claims

    def _verify(self, token: str) -> AccessClaims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[self.ALGORITHM],
                issuer=self._issuer,
                options={"require": ["sub", "sid", "exp", "typ"]},
            )
            if payload.get("typ") != "access":
                raise InvalidToken("not an access token")
            return AccessClaims(
                user_id=uuid.UUID(str(payload["sub"])),
                session_id=uuid.UUID(str(payload["sid"])),
                expires_at=datetime.fromtimestamp(int(payload["exp"]), tz=utcnow().tzinfo),
            )
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise InvalidToken(str(exc)) from exc
