"""The unit of work: one writer transaction, and what must happen only once it has committed.

A change to the database usually has consequences outside it: realtime events to publish, caches to
forget, background jobs to queue, sockets to unsubscribe. Done inside the transaction, they would
announce a change that may still roll back; done by hand after it, each call site must remember them
(one forgotten loop is an event logged but never pushed). So the writer session collects them:

    async with db.writer() as uow:
        room.name = new_name
        await uow.emit(room_topic(room.id), ROOM_UPDATED, changed)  # logged now, published after commit
        uow.after_commit(lambda: caches.forget_room(room.id))        # run after commit, in order

`Database.writer()` commits, releases the write turn, then publishes each emitted event and runs each
hook once, in the order they were added (an event emitted before a hook is published before it runs).
Nothing of this runs if the block raises or the commit fails: a rolled-back change leaves no trace
outside the database either. This is Zulip's `send_event_on_commit`, made the only way to publish.

The price: what runs after commit can no longer fail the request, which has already happened. A hook
that raises is logged (`after_commit_failed`) and the next one still runs; the work is shielded from
the caller's cancellation, so a client that disconnects mid-request still gets its change published.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.events import Event, EventKind
from sanctum.db.eventlog import append_event, rewrite_events
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.db")

Publish = Callable[[Event], Awaitable[object]]
Hook = Callable[[], Awaitable[object] | None]
D = TypeVar("D", bound=BaseModel)


class UnitOfWork(AsyncSession):
    """The session of `Database.writer()`: every `AsyncSession` method, plus `emit` and `after_commit`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._after: list[Event | Hook] = []

    async def emit(self, topic: str, kind: EventKind[D], data: D, *, ref: str | None = None) -> Event:
        """Append a persistent event of `kind` to `topic`'s log in this transaction; it is published
        after commit. `ref` names the object the event carries (`message:42`), so `rewrite` can
        redact it later."""
        event = await append_event(self, topic, kind.name, kind.encode(data), ref=ref)
        self._after.append(event)
        return event

    async def rewrite(self, topic: str, ref: str, data: BaseModel) -> int:
        """Give every logged event of `topic` carrying `ref` the data `data` (a resume replays only that)."""
        return await rewrite_events(self, topic, ref, data.model_dump(mode="json", by_alias=True))

    def publish(self, event: Event) -> None:
        """Publish an already built (ephemeral) event after commit, in order with the emitted ones."""
        self._after.append(event)

    def after_commit(self, hook: Hook) -> None:
        """Call `hook()` (and await what it returns) once the transaction has committed."""
        self._after.append(hook)

    async def committed(self, publish: Publish) -> None:
        """Called by `Database.writer()` once the transaction has committed: publish, then hooks, in order."""
        pending, self._after = self._after, []
        if pending:
            await asyncio.shield(_run(pending, publish))


async def _run(pending: list[Event | Hook], publish: Publish) -> None:
    for item in pending:
        try:
            if isinstance(item, Event):
                await publish(item)
            else:
                result = item()
                if result is not None:
                    await result
        except Exception:
            log.exception("after_commit_failed", what=item.type if isinstance(item, Event) else repr(item))


async def refuse_to_publish(event: Event) -> object:
    raise RuntimeError(
        f"event {event.type!r} on {event.topic!r} was emitted through a Database built without `publish`"
    )
