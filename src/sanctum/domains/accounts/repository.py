"""Every query of the accounts domain. No commits: the service's unit of work owns them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from sanctum.core.clock import utcnow
from sanctum.db.dialect import affected
from sanctum.domains.accounts.models import AuthSession, RefreshToken, User

# Built once: on hot paths building a statement costs more than running it.
_USERS_BY_IDS = select(User).where(User.id.in_(bindparam("ids", expanding=True)))

# People search: the LIKE patterns come escaped from `search_patterns` ("\\" escapes % and _).
_PREFIX: BindParameter[str] = bindparam("prefix")
_WORD: BindParameter[str] = bindparam("word")
_NAME = func.lower(User.display_name)
SEARCH_RANK = case(
    (User.username == bindparam("exact"), 0),
    (User.username.like(_PREFIX, escape="\\"), 1),
    (_NAME.like(_PREFIX, escape="\\"), 2),
    else_=3,
)
_SEARCH = (
    select(User, SEARCH_RANK.label("rank"))
    .where(
        or_(
            User.username.like(_PREFIX, escape="\\"),
            _NAME.like(_PREFIX, escape="\\"),
            _NAME.like(_WORD, escape="\\"),
        ),
        or_(
            bindparam("after_rank") < SEARCH_RANK,
            and_(bindparam("after_rank") == SEARCH_RANK, User.username > bindparam("after_username")),
        ),
        # A suspended account cannot be found while its suspension lasts.
        or_(User.suspended_at.is_(None), User.suspended_until <= bindparam("now")),
    )
    .order_by(SEARCH_RANK, User.username)
    .limit(bindparam("limit"))
)


def search_patterns(q: str) -> dict[str, str]:
    """The bind values of a search for `q` (already lowercased): LIKE wildcards in it match themselves."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return {"exact": q, "prefix": f"{escaped}%", "word": f"% {escaped}%"}


class AccountRepository:
    async def user_by_id(self, db: AsyncSession, user_id: uuid.UUID) -> User | None:
        return await db.get(User, user_id)

    async def users_by_ids(self, db: AsyncSession, user_ids: list[uuid.UUID]) -> list[User]:
        if not user_ids:
            return []
        return list((await db.execute(_USERS_BY_IDS, {"ids": user_ids})).scalars())

    async def search(
        self, db: AsyncSession, q: str, after: tuple[int, str] | None, limit: int
    ) -> list[tuple[User, int]]:
        """People whose username or display name (or a word of it) starts with `q`: exact username first,
        then username prefixes, then display names; by username within a rank. Deleted accounts have no row."""
        rank, username = after if after is not None else (-1, "")
        params = {
            **search_patterns(q),
            "after_rank": rank,
            "after_username": username,
            "limit": limit,
            "now": utcnow(),
        }
        return [(row[0], int(row[1])) for row in (await db.execute(_SEARCH, params)).all()]

    async def users_by_usernames(self, db: AsyncSession, usernames: list[str]) -> list[User]:
        if not usernames:
            return []
        return list((await db.execute(select(User).where(User.username.in_(usernames)))).scalars())

    async def user_by_username(self, db: AsyncSession, username: str) -> User | None:
        return (await db.execute(select(User).where(User.username == username))).scalar_one_or_none()

    async def user_by_login(self, db: AsyncSession, login: str) -> User | None:
        query = select(User).where(or_(User.username == login, User.email == login))
        return (await db.execute(query)).scalars().first()

    async def taken(self, db: AsyncSession, username: str, email: str) -> tuple[bool, bool]:
        rows = (
            await db.execute(
                select(User.username, User.email).where(or_(User.username == username, User.email == email))
            )
        ).all()
        return any(r.username == username for r in rows), any(r.email == email for r in rows)

    async def session_with_user(self, db: AsyncSession, session_id: uuid.UUID) -> tuple[AuthSession, User] | None:
        row = (
            await db.execute(
                select(AuthSession, User).join(User, User.id == AuthSession.user_id).where(AuthSession.id == session_id)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def refresh_token(self, db: AsyncSession, token_hash: str) -> RefreshToken | None:
        query = select(RefreshToken).where(RefreshToken.token_hash == token_hash)
        return (await db.execute(query)).scalar_one_or_none()

    async def mark_refresh_used(self, db: AsyncSession, token_id: uuid.UUID, now: datetime) -> bool:
        """Retire a refresh token; false if someone else retired it first."""
        result = await db.execute(
            update(RefreshToken).where(RefreshToken.id == token_id, RefreshToken.used_at.is_(None)).values(used_at=now)
        )
        return bool(affected(result))

    async def revoke_session(self, db: AsyncSession, session_id: uuid.UUID, now: datetime, reason: str) -> bool:
        result = await db.execute(
            update(AuthSession)
            .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now, revoke_reason=reason)
        )
        return bool(affected(result))

    async def revoke_user_sessions(self, db: AsyncSession, user_id: uuid.UUID, now: datetime, reason: str) -> int:
        result = await db.execute(
            update(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now, revoke_reason=reason)
        )
        return affected(result)

    async def active_sessions(self, db: AsyncSession, user_id: uuid.UUID, now: datetime) -> list[AuthSession]:
        query = (
            select(AuthSession)
            .where(
                AuthSession.user_id == user_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
            )
            .order_by(AuthSession.last_used_at.desc(), AuthSession.id)
        )
        return list((await db.execute(query)).scalars())

    async def session_of_user(self, db: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID) -> AuthSession | None:
        session = await db.get(AuthSession, session_id)
        return session if session is not None and session.user_id == user_id else None

    async def suspended(
        self, db: AsyncSession, now: datetime, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[User]:
        """Accounts suspended at `now`, most recently suspended first (0034's partial index)."""
        query = select(User).where(
            User.suspended_at.is_not(None), or_(User.suspended_until.is_(None), User.suspended_until > now)
        )
        if after is not None:
            at, user_id = after
            query = query.where(or_(User.suspended_at < at, and_(User.suspended_at == at, User.id < user_id)))
        query = query.order_by(User.suspended_at.desc(), User.id.desc()).limit(limit)
        return list((await db.execute(query)).scalars())

    async def site_staff(self, db: AsyncSession, after: str | None, limit: int) -> list[User]:
        """Accounts with a site role, by username (0034's partial index)."""
        query = select(User).where(User.site_role.is_not(None))
        if after is not None:
            query = query.where(User.username > after)
        query = query.order_by(User.username).limit(limit)
        return list((await db.execute(query)).scalars())

    async def delete_user(self, db: AsyncSession, user_id: uuid.UUID) -> None:
        await db.execute(delete(User).where(User.id == user_id))
