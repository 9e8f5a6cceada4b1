"""Every query of the games domain (no commits: callers own the unit of work)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.base import table_of
from sanctum.db.dialect import affected, insert_for
from sanctum.domains.games.models import GameMove, GameRating, GameRoom, GameSeat

_rooms = table_of(GameRoom)
# The real-time chores of every owned room, a few times a second each: built once, Core on the table.
_TAKE_LEASE = (
    update(_rooms)
    .where(
        _rooms.c.id == bindparam("b_room"),
        _rooms.c.status == "active",
        or_(
            _rooms.c.lease_owner.is_(None),
            _rooms.c.lease_owner == bindparam("b_owner"),
            _rooms.c.lease_until < bindparam("b_now"),
        ),
    )
    .values(lease_owner=bindparam("b_owner"), lease_until=bindparam("b_until"))
)
_SAVE_STATE = (
    update(_rooms)
    .where(_rooms.c.id == bindparam("b_room"), _rooms.c.version == bindparam("b_seen"))
    .values(version=bindparam("b_seen") + 1, state=bindparam("b_state"), updated_at=bindparam("b_now"))
)


class GamesRepository:
    # -- rooms --------------------------------------------------------------------------------

    async def room(self, db: AsyncSession, room_id: uuid.UUID) -> GameRoom | None:
        return await db.get(GameRoom, room_id, populate_existing=True)

    async def seats(self, db: AsyncSession, room_id: uuid.UUID) -> list[GameSeat]:
        rows = await db.execute(select(GameSeat).where(GameSeat.room_id == room_id).order_by(GameSeat.seat))
        return list(rows.scalars())

    async def seats_of_rooms(self, db: AsyncSession, room_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[GameSeat]]:
        out: dict[uuid.UUID, list[GameSeat]] = {room_id: [] for room_id in room_ids}
        if room_ids:
            rows = await db.execute(
                select(GameSeat).where(GameSeat.room_id.in_(room_ids)).order_by(GameSeat.room_id, GameSeat.seat)
            )
            for seat in rows.scalars():
                out[seat.room_id].append(seat)
        return out

    async def bump(self, db: AsyncSession, room_id: uuid.UUID, seen: int, values: dict[str, Any]) -> bool:
        """Move the room from version `seen` to `seen + 1`; False when someone else got there first."""
        result = await db.execute(
            update(GameRoom)
            .where(GameRoom.id == room_id, GameRoom.version == seen)
            .values(version=seen + 1, **values)
            .execution_options(synchronize_session=False)
        )
        return affected(result) == 1

    async def open_rooms(
        self, db: AsyncSession, game: str | None, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[GameRoom]:
        query = select(GameRoom).where(
            GameRoom.status == "waiting", GameRoom.is_public.is_(True), GameRoom.matchmaking.is_(False)
        )
        if game is not None:
            query = query.where(GameRoom.game == game)
        if after is not None:
            query = query.where(
                or_(GameRoom.created_at < after[0], and_(GameRoom.created_at == after[0], GameRoom.id < after[1]))
            )
        rows = await db.execute(query.order_by(GameRoom.created_at.desc(), GameRoom.id.desc()).limit(limit))
        return list(rows.scalars())

    async def waiting_matches(self, db: AsyncSession, game: str, exclude: uuid.UUID) -> list[GameRoom]:
        rows = await db.execute(
            select(GameRoom)
            .where(
                GameRoom.matchmaking.is_(True),
                GameRoom.status == "waiting",
                GameRoom.game == game,
                or_(GameRoom.creator_id.is_(None), GameRoom.creator_id != exclude),
            )
            .order_by(GameRoom.created_at)
            .limit(50)
        )
        return list(rows.scalars())

    async def my_waiting_match(self, db: AsyncSession, game: str, user_id: uuid.UUID) -> GameRoom | None:
        rows = await db.execute(
            select(GameRoom)
            .where(
                GameRoom.matchmaking.is_(True),
                GameRoom.status.in_(("waiting", "active")),
                GameRoom.game == game,
                GameRoom.creator_id == user_id,
            )
            .order_by(GameRoom.created_at.desc())
            .limit(1)
        )
        return rows.scalars().first()

    async def stale_matches(self, db: AsyncSession, before: datetime) -> list[uuid.UUID]:
        rows = await db.execute(
            select(GameRoom.id).where(
                GameRoom.matchmaking.is_(True), GameRoom.status == "waiting", GameRoom.created_at <= before
            )
        )
        return list(rows.scalars())

    async def history(
        self, db: AsyncSession, user_id: uuid.UUID, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[GameRoom]:
        query = (
            select(GameRoom)
            .join(GameSeat, GameSeat.room_id == GameRoom.id)
            .where(GameSeat.user_id == user_id, GameRoom.status == "finished")
        )
        if after is not None:
            query = query.where(
                or_(
                    GameRoom.finished_at < after[0],
                    and_(GameRoom.finished_at == after[0], GameRoom.id < after[1]),
                )
            )
        rows = await db.execute(query.order_by(GameRoom.finished_at.desc(), GameRoom.id.desc()).limit(limit))
        return list(rows.scalars().unique())

    # -- seats --------------------------------------------------------------------------------

    async def away_seats_due(self, db: AsyncSession, now: datetime) -> list[tuple[uuid.UUID, int]]:
        rows = await db.execute(
            select(GameSeat.room_id, GameSeat.seat)
            .join(GameRoom, GameRoom.id == GameSeat.room_id)
            .where(GameSeat.away_until <= now, GameSeat.left_at.is_(None), GameRoom.status.in_(("waiting", "active")))
        )
        return [(r.room_id, int(r.seat)) for r in rows]

    async def live_seats_of_user(self, db: AsyncSession, user_id: uuid.UUID) -> list[GameSeat]:
        rows = await db.execute(
            select(GameSeat)
            .join(GameRoom, GameRoom.id == GameSeat.room_id)
            .where(GameSeat.user_id == user_id, GameSeat.left_at.is_(None), GameRoom.status.in_(("waiting", "active")))
        )
        return list(rows.scalars())

    async def set_away(
        self, db: AsyncSession, room_id: uuid.UUID, seat: int, until: datetime | None, *, only_if_away: bool
    ) -> bool:
        query = update(GameSeat).where(GameSeat.room_id == room_id, GameSeat.seat == seat, GameSeat.left_at.is_(None))
        query = query.where(GameSeat.away_until.is_not(None) if only_if_away else GameSeat.away_until.is_(None))
        result = await db.execute(query.values(away_until=until).execution_options(synchronize_session=False))
        return affected(result) == 1

    async def forfeit_seat(self, db: AsyncSession, room_id: uuid.UUID, seat: int, now: datetime) -> bool:
        """Mark a seat whose reconnect window ran out as gone; False if the player came back meanwhile."""
        result = await db.execute(
            update(GameSeat)
            .where(
                GameSeat.room_id == room_id,
                GameSeat.seat == seat,
                GameSeat.left_at.is_(None),
                GameSeat.away_until <= now,
            )
            .values(left_at=now)
            .execution_options(synchronize_session=False)
        )
        return affected(result) == 1

    async def add_seat(self, db: AsyncSession, **values: Any) -> None:
        # Core inserts: the hot path of every move skips the ORM's unit-of-work flush.
        await db.execute(insert(GameSeat).values(**values))

    async def drop_seat(self, db: AsyncSession, room_id: uuid.UUID, seat: int) -> None:
        await db.execute(delete(GameSeat).where(GameSeat.room_id == room_id, GameSeat.seat == seat))

    async def leave_seat(self, db: AsyncSession, room_id: uuid.UUID, seat: int, now: datetime) -> None:
        await db.execute(
            update(GameSeat)
            .where(GameSeat.room_id == room_id, GameSeat.seat == seat)
            .values(left_at=now, away_until=None)
            .execution_options(synchronize_session=False)
        )

    # -- moves --------------------------------------------------------------------------------

    async def add_move(self, db: AsyncSession, **values: Any) -> None:
        await db.execute(insert(GameMove).values(**values))

    async def move_at(self, db: AsyncSession, room_id: uuid.UUID, version: int) -> GameMove | None:
        return await db.get(GameMove, (room_id, version))

    async def moves(self, db: AsyncSession, room_id: uuid.UUID) -> list[GameMove]:
        rows = await db.execute(select(GameMove).where(GameMove.room_id == room_id).order_by(GameMove.version))
        return list(rows.scalars())

    # -- real-time leases ---------------------------------------------------------------------

    async def take_lease(
        self, db: AsyncSession, room_id: uuid.UUID, owner: str, now: datetime, until: datetime
    ) -> bool:
        values = {"b_room": room_id, "b_owner": owner, "b_now": now, "b_until": until}
        return affected(await db.execute(_TAKE_LEASE, values)) == 1

    async def save_state(
        self, db: AsyncSession, room_id: uuid.UUID, seen: int, state: dict[str, Any], now: datetime
    ) -> bool:
        """A real-time room's restore point: `bump` with the state alone, on the hot path."""
        values = {"b_room": room_id, "b_seen": seen, "b_state": state, "b_now": now}
        return affected(await db.execute(_SAVE_STATE, values)) == 1

    async def release_lease(self, db: AsyncSession, room_id: uuid.UUID, owner: str) -> None:
        await db.execute(
            update(GameRoom)
            .where(GameRoom.id == room_id, GameRoom.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )

    # -- ratings ------------------------------------------------------------------------------

    async def lock_ratings(
        self, db: AsyncSession, game: str, user_ids: Sequence[uuid.UUID], start: int, now: datetime
    ) -> dict[uuid.UUID, GameRating]:
        """The players' rating rows, created at `start` when missing, locked until commit (in id order,
        so two games finishing at once with the same players cannot deadlock)."""
        await db.execute(
            insert_for(db, GameRating)
            .values([{"user_id": u, "game": game, "rating": start, "updated_at": now} for u in user_ids])
            .on_conflict_do_nothing(index_elements=[GameRating.user_id, GameRating.game])
        )
        rows = await db.execute(
            select(GameRating)
            .where(GameRating.game == game, GameRating.user_id.in_(user_ids))
            .order_by(GameRating.user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {r.user_id: r for r in rows.scalars()}

    async def rating_of(self, db: AsyncSession, game: str, user_id: uuid.UUID) -> int | None:
        value = await db.scalar(select(GameRating.rating).where(GameRating.game == game, GameRating.user_id == user_id))
        return None if value is None else int(value)

    async def leaderboard(self, db: AsyncSession, game: str, limit: int) -> list[GameRating]:
        rows = await db.execute(
            select(GameRating)
            .where(GameRating.game == game, GameRating.games > 0)
            .order_by(GameRating.rating.desc(), GameRating.games.desc(), GameRating.user_id)
            .limit(limit)
        )
        return list(rows.scalars())

    async def rematch_room(self, db: AsyncSession, room_id: uuid.UUID) -> uuid.UUID | None:
        found = await db.scalar(
            select(GameRoom.id)
            .where(GameRoom.rematch_of == room_id, GameRoom.status.in_(("waiting", "active")))
            .order_by(GameRoom.created_at)
            .limit(1)
        )
        return found if isinstance(found, uuid.UUID) else None

    async def active_rooms_of(self, db: AsyncSession, user_id: uuid.UUID, limit: int) -> list[GameRoom]:
        """Active games the user sits in (not left), latest change first."""
        query = (
            select(GameRoom)
            .join(GameSeat, GameSeat.room_id == GameRoom.id)
            .where(GameSeat.user_id == user_id, GameSeat.left_at.is_(None), GameRoom.status == "active")
            .order_by(GameRoom.updated_at.desc())
            .limit(limit)
        )
        return list((await db.execute(query)).scalars())

    async def has_played(self, db: AsyncSession, user_id: uuid.UUID) -> bool:
        query = select(GameSeat.room_id).where(GameSeat.user_id == user_id).limit(1)
        return (await db.execute(query)).first() is not None
