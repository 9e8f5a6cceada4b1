"""Business rules of accounts: registration, login, token rotation, revocation and profiles.

Every access token names its session. A request checks that session in a near cache (cache/local.py:
in this process, 30 s TTL) that every change to a session or its user forgets on every instance
once it has committed, and that is bypassed while that message could not reach us (Redis down): so a
revoked token is refused on the next request on every instance, with or without Redis.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.cache import Cache, CachedJson
from sanctum.cache.local import InvalidationBus, LocalCache
from sanctum.core.clock import utcnow
from sanctum.core.errors import (
    Conflict,
    ErrorCode,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
    ValidationFailed,
)
from sanctum.core.ids import new_token
from sanctum.core.security import AccessTokens, InvalidToken, PasswordHashing, token_digest
from sanctum.db.database import Database
from sanctum.domains.accounts.credentials import (
    ClientInfo as ClientInfo,  # re-exported: routes and other domains build it
)
from sanctum.domains.accounts.credentials import (
    CredentialChanges,
    DeletionHook,
    LoginGate,
    RegisteredHook,
    refuse_if_suspended,
)
from sanctum.domains.accounts.models import AuthSession, RefreshToken, User
from sanctum.domains.accounts.repository import AccountRepository
from sanctum.domains.accounts.schemas import (
    Me,
    ProfileUpdate,
    PublicUser,
    RegisterRequest,
    SecondFactorRequired,
    SessionRead,
    TokenPair,
    WsTicket,
)
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.observability.logging import get_logger
from sanctum.ratelimit import RateLimiter
from sanctum.realtime.publisher import Publisher
from sanctum.realtime.tickets import TicketStore, TicketStoreUnavailable

log = get_logger("sanctum.accounts")

INVALID_CREDENTIALS = "Wrong username, email or password."
# Public profiles are read through a cache for this long; an update or deletion forgets the entry at
# once, so the TTL only bounds staleness when that invalidation is lost (Redis down on another instance).
PROFILE_TTL_SECONDS = 300.0
# How long a checked session is trusted in memory if an invalidation is lost in a way we did not foresee.
SESSION_CACHE_TTL_SECONDS = 30.0
SESSION_CACHE_ENTRIES = 50_000
# Public profiles by id (every list with authors asks for them) are kept in each process the same way.
PUBLIC_USER_TTL_SECONDS = 60.0
PUBLIC_USER_ENTRIES = 50_000


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller of a request."""

    user: User
    session_id: uuid.UUID
    # The client's address, for the audit log (empty when not known, e.g. on the socket).
    ip: str = ""

    @property
    def id(self) -> uuid.UUID:
        return self.user.id


@dataclass(frozen=True, slots=True)
class _CheckedSession:
    """What authentication needs of a session, as the near cache keeps it."""

    session_id: uuid.UUID
    user: User
    revoked: bool
    expires_at: datetime


def _user_tag(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def to_public(user: User) -> PublicUser:
    return PublicUser.model_validate(user, from_attributes=True)


def to_me(user: User) -> Me:
    return Me.model_validate(user, from_attributes=True)


class AccountService(CredentialChanges):
    def __init__(
        self,
        db: Database,
        passwords: PasswordHashing,
        tokens: AccessTokens,
        limiter: RateLimiter,
        refresh_ttl: timedelta,
        tickets: TicketStore,
        cache: Cache,
        bus: InvalidationBus,
        publisher: Publisher,
    ) -> None:
        self._publisher = publisher
        self._tickets = tickets
        self._sessions: LocalCache[_CheckedSession] = LocalCache(
            bus, "auth_sessions", ttl_seconds=SESSION_CACHE_TTL_SECONDS, max_entries=SESSION_CACHE_ENTRIES
        )
        self._profiles = CachedJson(cache, "profile", PublicUser, PROFILE_TTL_SECONDS)
        self._public: LocalCache[PublicUser] = LocalCache(
            bus, "public_users", ttl_seconds=PUBLIC_USER_TTL_SECONDS, max_entries=PUBLIC_USER_ENTRIES
        )
        self._db = db
        self._passwords = passwords
        self._tokens = tokens
        self._limiter = limiter
        self._refresh_ttl = refresh_ttl
        self._repo = AccountRepository()
        self._login_gate: LoginGate | None = None
        self._registered_hooks: list[RegisteredHook] = []
        self._deletion_hooks: list[DeletionHook] = []
        self._audit = AuditLog()

    # -- registration and login -------------------------------------------------------------

    async def register(self, data: RegisterRequest, client: ClientInfo, *, is_admin: bool = False) -> User:
        username, email = data.username.lower(), data.email.lower()
        async with self._db.reader() as db:
            username_taken, email_taken = await self._repo.taken(db, username, email)
        self._raise_if_taken(username_taken, email_taken)
        password_hash = await asyncio.to_thread(self._passwords.hash, data.password)
        now = utcnow()
        user = User(
            id=uuid.uuid4(),
            username=username,
            email=email,
            password_hash=password_hash,
            display_name=data.username,
            bio="",
            avatar_url=None,
            site_role="admin" if is_admin else None,
            created_at=now,
            updated_at=now,
        )
        try:
            async with self._db.writer() as db:
                db.add(user)
                for hook in self._registered_hooks:
                    hook(db, user)
        except IntegrityError:
            # Lost a race with a concurrent registration of the same name or address.
            async with self._db.reader() as db:
                username_taken, email_taken = await self._repo.taken(db, username, email)
            self._raise_if_taken(username_taken, email_taken or not username_taken)
        log.info("user_registered", user_id=str(user.id))
        return user

    @staticmethod
    def _raise_if_taken(username_taken: bool, email_taken: bool) -> None:
        fields = {}
        if username_taken:
            fields["username"] = "is already taken"
        if email_taken:
            fields["email"] = "is already registered"
        if fields:
            raise Conflict("That username or email is already in use.", code=ErrorCode.ACCOUNT_EXISTS, fields=fields)

    async def login(self, login: str, password: str, client: ClientInfo) -> TokenPair | SecondFactorRequired:
        key = login.strip().lower()
        # Per account named in the body, which only this reads (the per-IP limit is on the route).
        await self._limiter.hit("login_per_account", key)
        # On the primary: a password just set, or an account just made, must count at once.
        async with self._db.reader(fresh=True) as db:
            user = await self._repo.user_by_login(db, key)
        ok = await asyncio.to_thread(self._passwords.verify, user.password_hash if user else None, password)
        if user is None or not ok:
            log.info("login_failed", user_id=str(user.id) if user else None)
            raise Unauthorized(INVALID_CREDENTIALS, code=ErrorCode.INVALID_CREDENTIALS)
        refuse_if_suspended(user)
        async with self._db.writer() as db:
            if self._login_gate is not None and (challenge := await self._login_gate(db, user)) is not None:
                log.info("login_second_factor_required", user_id=str(user.id))
                return challenge
            return await self.start_session(db, user.id, client)

    async def start_session(self, db: AsyncSession, user_id: uuid.UUID, client: ClientInfo) -> TokenPair:
        """A new session of `user_id` in the caller's unit of work (login, its second step, a passkey)."""
        now = utcnow()
        session = AuthSession(
            id=uuid.uuid4(),
            user_id=user_id,
            created_at=now,
            last_used_at=now,
            expires_at=now + self._refresh_ttl,
            user_agent=client.user_agent[:256],
            ip=client.ip[:64],
        )
        refresh = new_token()
        db.add(session)
        await db.flush()
        db.add(self._refresh_row(session.id, refresh, now))
        log.info("session_started", user_id=str(user_id), session_id=str(session.id))
        return self._pair(user_id, session.id, refresh)

    def _refresh_row(self, session_id: uuid.UUID, token: str, now: datetime) -> RefreshToken:
        return RefreshToken(
            id=uuid.uuid4(),
            session_id=session_id,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=now + self._refresh_ttl,
        )

    def _pair(self, user_id: uuid.UUID, session_id: uuid.UUID, refresh: str) -> TokenPair:
        return TokenPair(
            access_token=self._tokens.issue(user_id, session_id),
            refresh_token=refresh,
            expires_in=self._tokens.ttl_seconds,
        )

    # -- tokens -----------------------------------------------------------------------------

    async def refresh(self, refresh_token: str, client: ClientInfo) -> TokenPair:
        """Rotate: retire the presented token and issue a new pair in the same session.

        A retired token presented again means it was copied: the whole session is revoked.
        """
        now = utcnow()
        reused_session: uuid.UUID | None = None
        async with self._db.writer() as db:
            row = await self._repo.refresh_token(db, token_digest(refresh_token))
            if row is None:
                raise Unauthorized("This refresh token is not valid.", code=ErrorCode.INVALID_REFRESH_TOKEN)
            found = await self._repo.session_with_user(db, row.session_id)
            if found is None:
                raise Unauthorized("This refresh token is not valid.", code=ErrorCode.INVALID_REFRESH_TOKEN)
            session, user = found
            if session.revoked_at is not None or session.expires_at <= now or row.expires_at <= now:
                raise Unauthorized("This session has ended; log in again.", code=ErrorCode.SESSION_REVOKED)
            refuse_if_suspended(user)
            if row.used_at is not None or not await self._repo.mark_refresh_used(db, row.id, now):
                await self._repo.revoke_session(db, session.id, now, "refresh_reuse")
                db.after_commit(self.forget_sessions_of(user.id))
                db.after_commit(partial(self._publisher.end_sessions, user.id, [session.id]))
                reused_session = session.id
            else:
                token = new_token()
                db.add(self._refresh_row(session.id, token, now))
                session.last_used_at = now
                if client.user_agent:
                    session.user_agent = client.user_agent[:256]
                session.ip = client.ip[:64]
        if reused_session is not None:
            log.warning("refresh_token_reuse", user_id=str(user.id), session_id=str(reused_session))
            raise Unauthorized(
                "This refresh token was already used; the session has been ended for your safety.",
                code=ErrorCode.REFRESH_TOKEN_REUSED,
            )
        return self._pair(user.id, session.id, token)

    async def authenticate(self, access_token: str, ip: str = "") -> Actor:
        try:
            claims = self._tokens.decode(access_token)
        except InvalidToken as exc:
            raise Unauthorized("The access token is invalid or expired.", code=ErrorCode.INVALID_TOKEN) from exc
        checked = await self._sessions.get_or_load(
            str(claims.session_id), lambda: self._check_session(claims.session_id), lambda s: [_user_tag(s.user.id)]
        )
        now = utcnow()
        if checked.user.id == claims.user_id and checked.user.suspended(now):
            raise Unauthorized("This account is suspended.", code=ErrorCode.ACCOUNT_SUSPENDED)
        if checked.user.id != claims.user_id or checked.revoked or checked.expires_at <= now:
            raise Unauthorized("This session has ended; log in again.", code=ErrorCode.SESSION_REVOKED)
        return Actor(user=checked.user, session_id=checked.session_id, ip=ip)

    async def _check_session(self, session_id: uuid.UUID) -> _CheckedSession:
        # On the primary: a session just made works at once, one just revoked is refused at once
        # (a replica's lag must not decide who someone is; the near cache keeps this off the hot path).
        async with self._db.reader(fresh=True) as db:
            found = await self._repo.session_with_user(db, session_id)
        if found is None:
            raise Unauthorized("The access token is invalid or expired.", code=ErrorCode.INVALID_TOKEN)
        session, user = found
        return _CheckedSession(session.id, user, session.revoked_at is not None, session.expires_at)

    def forget_sessions_of(self, user_id: uuid.UUID) -> Callable[[], Awaitable[None]]:
        """An after-commit hook: every instance forgets the checked sessions of `user_id`."""
        return lambda: self._sessions.forget(tags=[_user_tag(user_id)])

    async def logout(self, actor: Actor) -> None:
        async with self._db.writer() as db:
            await self._repo.revoke_session(db, actor.session_id, utcnow(), "logout")
            db.after_commit(self.forget_sessions_of(actor.id))
            db.after_commit(partial(self._publisher.end_sessions, actor.id, [actor.session_id]))
        log.info("session_revoked", user_id=str(actor.id), session_id=str(actor.session_id), reason="logout")

    async def logout_all(self, actor: Actor) -> int:
        async with self._db.writer() as db:
            count = await self._repo.revoke_user_sessions(db, actor.id, utcnow(), "logout_all")
            await self._audit.record(db, actor, AuditAction.LOGOUT_ALL, "user", actor.id, metadata={"sessions": count})
            db.after_commit(self.forget_sessions_of(actor.id))
            db.after_commit(partial(self._publisher.end_sessions, actor.id, None))
        log.info("sessions_revoked", user_id=str(actor.id), count=count, reason="logout_all")
        return count

    async def list_sessions(self, actor: Actor) -> list[SessionRead]:
        async with self._db.reader() as db:
            sessions = await self._repo.active_sessions(db, actor.id, utcnow())
        return [
            SessionRead(
                id=s.id,
                created_at=s.created_at,
                last_used_at=s.last_used_at,
                expires_at=s.expires_at,
                user_agent=s.user_agent,
                ip=s.ip,
                current=s.id == actor.session_id,
            )
            for s in sessions
        ]

    async def revoke_session(self, actor: Actor, session_id: uuid.UUID) -> None:
        async with self._db.writer() as db:
            session = await self._repo.session_of_user(db, actor.id, session_id)
            if session is None or session.revoked_at is not None:
                raise NotFound("No such session.", code=ErrorCode.SESSION_NOT_FOUND)
            await self._repo.revoke_session(db, session_id, utcnow(), "revoked_by_user")
            db.after_commit(self.forget_sessions_of(actor.id))
            db.after_commit(partial(self._publisher.end_sessions, actor.id, [session_id]))

    async def is_admin(self, user_id: uuid.UUID) -> bool:
        async with self._db.reader() as db:
            user = await self._repo.user_by_id(db, user_id)
        return user is not None and user.is_admin

    async def issue_ws_ticket(self, actor: Actor) -> WsTicket:
        try:
            ticket = await self._tickets.issue(actor.id, actor.session_id)
        except TicketStoreUnavailable as exc:
            raise ServiceUnavailable("Live updates are unavailable right now; try again shortly.") from exc
        return WsTicket(ticket=ticket, expires_in=self._tickets.ttl_seconds)

    # -- profiles ---------------------------------------------------------------------------

    async def public_users(self, db: AsyncSession, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PublicUser]:
        """Public profiles by id, for other domains (missing ids are deleted users)."""

        async def load(keys: list[str]) -> dict[str, PublicUser]:
            found = await self._repo.users_by_ids(db, [uuid.UUID(k) for k in keys])
            return {str(u.id): to_public(u) for u in found}

        found = await self._public.get_many_or_load({str(u) for u in user_ids}, load)
        return {user.id: user for user in found.values()}

    async def find_public_users(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PublicUser]:
        """`public_users` as a use case of its own (for a hub, which has no session to share)."""
        async with self._db.reader() as db:
            return await self.public_users(db, user_ids)

    async def public_users_by_username(self, db: AsyncSession, usernames: Iterable[str]) -> dict[str, PublicUser]:
        users = await self._repo.users_by_usernames(db, list({n.lower() for n in usernames}))
        return {u.username: to_public(u) for u in users}

    async def get_profile(self, username: str) -> PublicUser:
        async with self._db.reader() as db:
            return await self.public_profile(db, username)

    async def public_profile(self, db: AsyncSession, username: str) -> PublicUser:
        """A profile by username, read through the profile cache (5 minutes, forgotten on change)."""

        async def load() -> PublicUser:
            user = await self._repo.user_by_username(db, username.lower())
            if user is None:
                raise NotFound("No such user.", code=ErrorCode.USER_NOT_FOUND)
            return to_public(user)

        return await self._profiles.get_or_load(self._profiles.key(username.lower()), load)

    async def _forget_profile(self, user_id: uuid.UUID, username: str) -> None:
        await self._public.forget(keys=[str(user_id)])
        await self._profiles.invalidate(self._profiles.key(username))

    async def update_profile(self, actor: Actor, data: ProfileUpdate) -> Me:
        changes = data.model_dump(exclude_unset=True)
        if "display_name" in changes and changes["display_name"] is None:
            raise ValidationFailed(fields={"display_name": "cannot be empty"})
        if "bio" in changes and changes["bio"] is None:
            changes["bio"] = ""
        async with self._db.writer() as db:
            user = await self._repo.user_by_id(db, actor.id)
            if user is None:
                raise Unauthorized("This account no longer exists.", code=ErrorCode.INVALID_TOKEN)
            for name, value in changes.items():
                setattr(user, name, value)
            user.updated_at = utcnow()
            db.after_commit(lambda: self._forget_profile(user.id, user.username))
            db.after_commit(self.forget_sessions_of(actor.id))
        return to_me(user)

    async def delete_account(self, actor: Actor, password: str) -> None:
        ok = await asyncio.to_thread(self._passwords.verify, actor.user.password_hash, password)
        if not ok:
            raise ValidationFailed("The password is not correct.", fields={"password": "is not correct"})
        async with self._db.writer() as db:
            for hook in self._deletion_hooks:
                await hook(db, actor.id)
            await self._repo.delete_user(db, actor.id)
            await self._audit.record(
                db, actor, AuditAction.ACCOUNT_DELETE, "user", actor.id, metadata={"username": actor.user.username}
            )
            db.after_commit(lambda: self._forget_profile(actor.id, actor.user.username))
            db.after_commit(self.forget_sessions_of(actor.id))
            db.after_commit(partial(self._publisher.end_sessions, actor.id, None))
        log.info("user_deleted", user_id=str(actor.id))
