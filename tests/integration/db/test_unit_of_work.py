"""The unit of work publishes what it emitted, and runs its hooks, once and only after its commit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from sanctum.core.events import Event
from sanctum.db.database import Database
from sanctum.db.eventlog import last_seq, read_events
from tests.conftest import SettingsFactory
from tests.support.events import kind, loose


class Published:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.order: list[str] = []

    async def __call__(self, event: Event) -> bool:
        self.events.append(event)
        self.order.append(f"event:{event.type}")
        return True


@pytest.fixture
async def published() -> Published:
    return Published()


@pytest.fixture
async def db(make_settings: SettingsFactory, published: Published) -> AsyncIterator[Database]:
    database = Database(make_settings(), publish=published)
    yield database
    await database.dispose()


class Boom(Exception):
    pass


async def test_an_event_emitted_in_a_rolled_back_transaction_is_never_published_nor_logged(
    db: Database, published: Published
) -> None:
    hooks: list[str] = []
    with pytest.raises(Boom):
        async with db.writer() as uow:
            await uow.emit("room:x", kind("message.created"), loose({"n": 1}))
            uow.after_commit(lambda: hooks.append("ran"))
            raise Boom

    assert published.events == []
    assert hooks == []
    async with db.reader() as session:
        assert await last_seq(session, "room:x") == 0
        assert await read_events(session, "room:x", after=0) == []


async def test_an_event_emitted_in_a_committed_transaction_is_published_exactly_once_after_commit(
    db: Database, published: Published
) -> None:
    seen_inside: list[int] = []
    async with db.writer() as uow:
        event = await uow.emit("room:y", kind("message.created"), loose({"n": 1}))
        seen_inside.append(len(published.events))

    assert seen_inside == [0]  # nothing went out before the commit
    assert published.events == [event]
    async with db.reader() as session:
        logged = await read_events(session, "room:y", after=0)
    assert [(e.seq, e.frame) for e in logged] == [(1, event.frame)]

    async with db.writer():
        pass  # a later unit of work publishes nothing again
    assert published.events == [event]


async def test_events_and_hooks_run_in_the_order_they_were_added(db: Database, published: Published) -> None:
    async def later() -> None:
        await asyncio.sleep(0)
        published.order.append("hook:async")

    async with db.writer() as uow:
        await uow.emit("room:z", kind("first"), loose({}))
        uow.after_commit(lambda: published.order.append("hook:sync"))
        uow.after_commit(later)
        await uow.emit("room:z", kind("second"), loose({}))

    assert published.order == ["event:first", "hook:sync", "hook:async", "event:second"]
    assert [e.seq for e in published.events] == [1, 2]


async def test_a_failing_hook_is_logged_and_the_next_ones_still_run(db: Database, published: Published) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("after-commit work failed")

    async with db.writer() as uow:
        uow.after_commit(broken)
        uow.after_commit(lambda: ran.append("next"))
        await uow.emit("room:w", kind("after"), loose({}))

    assert ran == ["next"]
    assert [e.type for e in published.events] == ["after"]


async def test_a_database_error_after_an_emit_publishes_nothing_and_leaves_no_gap(
    db: Database, published: Published
) -> None:
    async with db.writer() as uow:
        await uow.emit("room:v", kind("kept"), loose({}))
    with pytest.raises(IntegrityError):
        async with db.writer() as uow:
            await uow.emit("room:v", kind("lost"), loose({}))
            # A second row under the seq just taken violates the log's primary key.
            await uow.execute(
                text(
                    "INSERT INTO realtime_events (topic, seq, type, frame, created_at) "
                    "VALUES ('room:v', 2, 'dup', '{}', CURRENT_TIMESTAMP)"
                )
            )
    async with db.writer() as uow:
        after = await uow.emit("room:v", kind("after"), loose({}))

    assert [e.type for e in published.events] == ["kept", "after"]
    assert after.seq == 2  # the rolled-back seq was never used


async def test_sixty_use_cases_holding_sessions_at_once_all_finish(db: Database) -> None:
    """More sessions than any pool keeps: none waits for a connection in a way that stops the loop."""
    release = asyncio.Event()
    done: list[int] = []

    async def hold(i: int) -> None:
        async with db.reader() as session:
            assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
            await release.wait()
        async with db.writer() as uow:
            await uow.execute(text("SELECT 1"))
        done.append(i)

    tasks = [asyncio.create_task(hold(i)) for i in range(60)]
    await asyncio.sleep(0.2)
    assert done == [] and not any(t.done() for t in tasks)
    release.set()
    async with asyncio.timeout(20):
        await asyncio.gather(*tasks)
    assert sorted(done) == list(range(60))
