"""Every query of the notifications domain (SQLAlchemy 2 `select()`); no commits.

Hot paths and their indexes: a user's list, newest change first, on (user_id, updated_at, id); the unread
badge, a capped count on the partial index (user_id) WHERE read_at IS NULL.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.db.dialect import affected, insert_for
from sanctum.domains.notifications.models import Notification, NotificationActor

UNREAD_CAP = 100


# Built once: on hot paths building a statement costs more than running it.
_UNREAD = select(func.count()).select_from(
    select(Notification.id)
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
    .limit(UNREAD_CAP)
    .subquery()
)
_notifications = table_of(Notification)
_NEWEST = (
    select(_notifications)
    .where(_notifications.c.user_id == bindparam("user_id"))
    .order_by(_notifications.c.updated_at.desc(), _notifications.c.id.desc())
    .limit(bindparam("limit"))
)
_OLDER = _NEWEST.where(
    or_(
        _notifications.c.updated_at < bindparam("at"),
        and_(_notifications.c.updated_at == bindparam("at"), _notifications.c.id < bindparam("last_id")),
    )
)


class NotificationRow(Protocol):
    """What a read needs of a notification: a `Notification`, or a row of its table (the same names).
    Pages select rows: building ORM objects cost more than the query (docs/architecture.md)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def actor_id(self) -> uuid.UUID | None: ...
    @property
    def actor_count(self) -> int: ...
    @property
    def data(self) -> str | None: ...
    @property
    def read_at(self) -> datetime | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...


class NotificationRepository:
    async def insert_new(
        self,
        db: AsyncSession,
        user_id: uuid.UUID,
        kind: str,
        dedupe_key: str,
        actor_id: uuid.UUID,
        data: str,
        subject: str | None,
        now: datetime,
    ) -> int | None:
        """Insert unless (user, dedupe key) exists; the new id, or None when it was already there."""
        stmt = (
            insert_for(db, Notification)
            .values(
                user_id=user_id,
                kind=kind,
                dedupe_key=dedupe_key,
                actor_id=actor_id,
                actor_count=1,
                data=data,
                subject=subject,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=[Notification.user_id, Notification.dedupe_key])
            .returning(Notification.id)
        )
        value = (await db.execute(stmt)).scalar_one_or_none()
        return int(value) if value is not None else None

    async def by_key_for_update(self, db: AsyncSession, user_id: uuid.UUID, dedupe_key: str) -> Notification | None:
        query = (
            select(Notification)
            .where(Notification.user_id == user_id, Notification.dedupe_key == dedupe_key)
            .with_for_update()
        )
        return (await db.execute(query)).scalar_one_or_none()

    async def add_actor(self, db: AsyncSession, notification_id: int, actor_id: uuid.UUID, now: datetime) -> bool:
        """Record one more actor behind a notification; False when they were already counted."""
        stmt = (
            insert_for(db, NotificationActor)
            .values(notification_id=notification_id, actor_id=actor_id, created_at=now)
            .on_conflict_do_nothing(index_elements=[NotificationActor.notification_id, NotificationActor.actor_id])
            .returning(NotificationActor.actor_id)
        )
        return (await db.execute(stmt)).scalar_one_or_none() is not None

    async def clear_actors(self, db: AsyncSession, notification_id: int) -> None:
        await db.execute(delete(NotificationActor).where(NotificationActor.notification_id == notification_id))

    async def actor_count(self, db: AsyncSession, notification_id: int) -> int:
        query = select(func.count()).where(NotificationActor.notification_id == notification_id)
        return int((await db.execute(query)).scalar_one())

    async def get(self, db: AsyncSession, user_id: uuid.UUID, notification_id: int) -> Notification | None:
        query = select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id)
        return (await db.execute(query)).scalar_one_or_none()

    async def page(
        self, db: AsyncSession, user_id: uuid.UUID, before: tuple[datetime, int] | None, limit: int
    ) -> list[NotificationRow]:
        if before is None:
            result = await db.execute(_NEWEST, {"user_id": user_id, "limit": limit})
        else:
            at, last_id = before
            result = await db.execute(_OLDER, {"user_id": user_id, "limit": limit, "at": at, "last_id": last_id})
        return cast(list[NotificationRow], result.all())

    async def unread_count(self, db: AsyncSession, user_id: uuid.UUID) -> int:
        """Capped at UNREAD_CAP: a badge shows "99+", and the count never scans a huge backlog."""
        return int((await db.execute(_UNREAD, {"user_id": user_id})).scalar_one())

    async def mark_subject_read(self, db: AsyncSession, user_id: uuid.UUID, subject: str, now: datetime) -> list[int]:
        """Mark the user's unread notifications about `subject` read; their ids."""
        unread = (Notification.user_id == user_id, Notification.subject == subject, Notification.read_at.is_(None))
        ids = [int(i) for i in (await db.execute(select(Notification.id).where(*unread))).scalars()]
        if ids:
            await db.execute(update(Notification).where(Notification.id.in_(ids)).values(read_at=now))
        return ids

    async def mark_all_read(self, db: AsyncSession, user_id: uuid.UUID, now: datetime) -> int:
        stmt = (
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=now)
        )
        return affected(await db.execute(stmt))

    async def unread_of_kinds(
        self, db: AsyncSession, user_id: uuid.UUID, kinds: Sequence[str], limit: int
    ) -> list[NotificationRow]:
        """Unread notifications of these kinds, newest change first (the partial unread index)."""
        query = (
            select(_notifications)
            .where(
                _notifications.c.user_id == user_id,
                _notifications.c.read_at.is_(None),
                _notifications.c.kind.in_(list(kinds)),
            )
            .order_by(_notifications.c.updated_at.desc(), _notifications.c.id.desc())
            .limit(limit)
        )
        return cast(list[NotificationRow], (await db.execute(query)).all())

    # -- the email digest (domains/digest): mentions not read, not yet handled, older than a cutoff ----

    async def digest_recipients(self, db: AsyncSession, cutoff: datetime, limit: int) -> list[uuid.UUID]:
        """Users with a mention the digest has still to handle, created at or before `cutoff`."""
        query = (
            select(_notifications.c.user_id)
            .where(*_pending(cutoff))
            .group_by(_notifications.c.user_id)
            .order_by(func.min(_notifications.c.created_at))
            .limit(limit)
        )
        return list((await db.execute(query)).scalars())

    async def claim_for_digest(
        self, db: AsyncSession, user_id: uuid.UUID, cutoff: datetime, limit: int, now: datetime
    ) -> list[NotificationRow]:
        """Mark the user's pending mentions (oldest first, at most `limit`) handled; the rows this call won.
        One conditional UPDATE: of two concurrent claims, each row goes to one."""
        pending = (*_pending(cutoff), _notifications.c.user_id == user_id)
        ids = select(_notifications.c.id).where(*pending).order_by(_notifications.c.created_at).limit(limit)
        stmt = (
            update(_notifications)
            .where(_notifications.c.id.in_(ids.scalar_subquery()), *pending)
            .values(digested_at=now)
            .returning(*_notifications.c)
        )
        rows = cast(list[NotificationRow], (await db.execute(stmt)).all())
        return sorted(rows, key=lambda n: (n.created_at, n.id))

    async def release_from_digest(self, db: AsyncSession, ids: Sequence[int]) -> None:
        """Undo a claim whose email could not be sent, so the retry finds the mentions again."""
        await db.execute(update(_notifications).where(_notifications.c.id.in_(list(ids))).values(digested_at=None))


def _pending(cutoff: datetime) -> tuple[Any, ...]:
    return (
        _notifications.c.kind == "mention",
        _notifications.c.digested_at.is_(None),
        _notifications.c.read_at.is_(None),
        _notifications.c.created_at <= cutoff,
    )
