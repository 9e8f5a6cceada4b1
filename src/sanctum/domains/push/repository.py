"""Every query of Web Push; no commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.db.dialect import affected, insert_for
from sanctum.domains.push.models import PushSubscription, ServerKey


class PushSubscriptionRow(Protocol):
    """A subscription as read (a Core row with these names)."""

    @property
    def id(self) -> int: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def p256dh(self) -> str: ...
    @property
    def auth(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


_SUBS = table_of(PushSubscription)
_KEYS = table_of(ServerKey)
_OF_USER = (
    select(_SUBS.c.id, _SUBS.c.endpoint, _SUBS.c.p256dh, _SUBS.c.auth, _SUBS.c.created_at)
    .where(_SUBS.c.user_id == bindparam("user_id"))
    .order_by(_SUBS.c.id)
)


class PushRepository:
    async def of_user(self, db: AsyncSession, user_id: uuid.UUID) -> Sequence[PushSubscriptionRow]:
        return list((await db.execute(_OF_USER, {"user_id": user_id})).all())

    async def count(self, db: AsyncSession, user_id: uuid.UUID) -> int:
        stmt = select(func.count()).select_from(_SUBS).where(_SUBS.c.user_id == user_id)
        return int((await db.execute(stmt)).scalar_one())

    async def upsert(
        self, db: AsyncSession, user_id: uuid.UUID, endpoint: str, p256dh: str, auth: str, at: datetime
    ) -> None:
        """The browser belongs to whoever subscribed it last (one endpoint, one account)."""
        stmt = insert_for(db, _SUBS).values(user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth, created_at=at)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_SUBS.c.endpoint], set_={"user_id": user_id, "p256dh": p256dh, "auth": auth}
        )
        await db.execute(stmt)

    async def by_endpoint(self, db: AsyncSession, user_id: uuid.UUID, endpoint: str) -> PushSubscriptionRow | None:
        stmt = _OF_USER.where(_SUBS.c.endpoint == endpoint)
        return (await db.execute(stmt, {"user_id": user_id})).first()

    async def remove(self, db: AsyncSession, user_id: uuid.UUID, endpoint: str) -> bool:
        stmt = delete(_SUBS).where(_SUBS.c.user_id == user_id, _SUBS.c.endpoint == endpoint)
        return affected(await db.execute(stmt)) > 0

    async def remove_ids(self, db: AsyncSession, ids: Sequence[int]) -> int:
        return affected(await db.execute(delete(_SUBS).where(_SUBS.c.id.in_(list(ids))))) if ids else 0

    async def key(self, db: AsyncSession, name: str) -> str | None:
        return (await db.execute(select(_KEYS.c.value).where(_KEYS.c.name == name))).scalar_one_or_none()

    async def add_key(self, db: AsyncSession, name: str, value: str, at: datetime) -> None:
        """Keep `value` unless a key of that name exists (two instances racing keep the first)."""
        await db.execute(insert_for(db, _KEYS).values(name=name, value=value, created_at=at).on_conflict_do_nothing())
