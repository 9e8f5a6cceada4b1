"""The per-topic event log (transactional outbox).

A domain appends a persistent event inside the same unit of work as the change it describes:

    async with db.writer() as session:
        room.name = new_name
        event = await append_event(session, f"room:{room.id}", "room.updated", data)
    await realtime.publish(event)          # after commit

The next sequence number comes from an UPSERT on the topic's counter row, which holds that row's
lock until commit: per topic, sequence order is commit order and a rolled-back change leaves no
hole. So any event missed by the broker can be read back from here, in order, with no gaps.

An event may name the object it carries (`ref`, e.g. `message:42`). When that object's content must
no longer be served (a deleted or edited message), `rewrite_events` replaces the data of its logged
frames, keeping their topic, type and seq, so a resume replays the current content only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, Text, bindparam, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.core.clock import utcnow
from sanctum.core.events import Event, make_event
from sanctum.db.base import Base, table_of
from sanctum.db.dialect import dialect_of, insert_for
from sanctum.db.types import UTCDateTime


class TopicCounter(Base):
    __tablename__ = "realtime_topics"

    topic: Mapped[str] = mapped_column(String(160), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class LoggedEvent(Base):
    __tablename__ = "realtime_events"
    __table_args__ = (
        Index(
            "ix_realtime_events_topic_ref",
            "topic",
            "ref",
            postgresql_where=text("ref IS NOT NULL"),
            sqlite_where=text("ref IS NOT NULL"),
        ),
    )

    topic: Mapped[str] = mapped_column(String(160), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    frame: Mapped[str] = mapped_column(Text)
    ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Built once per dialect (building a statement costs more than running it): take the topic's next seq.
_NEXT_SEQ: dict[str, Any] = {}
_LOG = insert(table_of(LoggedEvent))


def _next_seq(session: AsyncSession | AsyncConnection) -> Any:
    dialect = dialect_of(session)
    stmt = _NEXT_SEQ.get(dialect)
    if stmt is None:
        stmt = _NEXT_SEQ[dialect] = (
            insert_for(session, table_of(TopicCounter))
            .values(topic=bindparam("topic"), last_seq=1)
            .on_conflict_do_update(index_elements=[TopicCounter.topic], set_={"last_seq": TopicCounter.last_seq + 1})
            .returning(TopicCounter.last_seq)
        )
    return stmt


async def append_event(
    session: AsyncSession | AsyncConnection, topic: str, type_: str, data: Any, ref: str | None = None
) -> Event:
    """Log a persistent event in the caller's transaction; publish the result after commit."""
    seq = int((await session.execute(_next_seq(session), {"topic": topic})).scalar_one())
    event = make_event(topic, type_, data, seq)
    row = {"topic": topic, "seq": seq, "type": type_, "frame": event.frame, "ref": ref, "created_at": utcnow()}
    await session.execute(_LOG, row)
    return event


async def rewrite_events(session: AsyncSession, topic: str, ref: str, data: Any) -> int:
    """Give every logged event of `topic` that carries `ref` the data `data`; returns how many changed."""
    rows = (
        await session.execute(
            select(LoggedEvent.seq, LoggedEvent.type).where(LoggedEvent.topic == topic, LoggedEvent.ref == ref)
        )
    ).all()
    for row in rows:
        frame = make_event(topic, row.type, data, int(row.seq)).frame
        await session.execute(
            update(LoggedEvent).where(LoggedEvent.topic == topic, LoggedEvent.seq == row.seq).values(frame=frame)
        )
    return len(rows)


async def last_seq(session: AsyncSession, topic: str) -> int:
    value = (await session.execute(select(TopicCounter.last_seq).where(TopicCounter.topic == topic))).scalar()
    return int(value or 0)


async def read_events(
    session: AsyncSession, topic: str, after: int, upto: int | None = None, limit: int = 1000
) -> list[Event]:
    query = select(LoggedEvent.seq, LoggedEvent.type, LoggedEvent.frame).where(
        LoggedEvent.topic == topic, LoggedEvent.seq > after
    )
    if upto is not None:
        query = query.where(LoggedEvent.seq <= upto)
    rows = (await session.execute(query.order_by(LoggedEvent.seq).limit(limit))).all()
    return [Event(topic=topic, type=r.type, frame=r.frame, seq=int(r.seq)) for r in rows]
