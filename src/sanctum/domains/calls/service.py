"""Calls: the use cases behind the calls hub, and who may do what.

Rules (decided here, never in the hub or the web app):
- A call belongs to a room: a DM (it rings the other person, on every tab of theirs) or a room the
  caller is a member of (any member may join while it lasts, up to `max_participants`).
- Only members of the call's room may start, accept, decline or signal, asked of the chat domain's
  membership read on every command (one reader): someone who left or was removed cannot go on.
- Signalling (offer, answer, ICE) flows only between two participants of an active call; anything else
  is refused with an error envelope and forwarded to nobody.
- Someone already in (or being rung by) a live call is busy: a DM call to them is refused CALL_BUSY.
- An ended call leaves "Missed call" or "Call, N min" in its room, written in one unit of work.
- A participant whose last socket closes has `rejoin_seconds` to reconnect (on any instance) before
  they are dropped; one who comes back in time never left.

A change to a call is a compare-and-set in the store (optimistic locking: Redis when scaled), so two
instances changing one call at once both count; a lock per call on this instance keeps its own
commands from retrying against each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any
from weakref import WeakValueDictionary

from sanctum.core.clock import utcnow
from sanctum.core.errors import AppError, Conflict, ErrorCode, Forbidden, NotFound
from sanctum.db.database import Database
from sanctum.domains.calls import events as ev
from sanctum.domains.calls import machine as m
from sanctum.domains.calls.ice import IceServers, ice_servers
from sanctum.domains.calls.store import CallContended, CallStore
from sanctum.domains.chat.access import RoomAccess
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.flags.catalogue import CALLS
from sanctum.domains.flags.service import FlagService
from sanctum.domains.notifications.notify import Notifier
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import CALL_DURATION, CALLS_CONNECTED, CALLS_ENDED, CALLS_REFUSED, CALLS_STARTED
from sanctum.realtime.publisher import Publisher
from sanctum.settings import CallSettings

log = get_logger("sanctum.calls")

_REFUSALS: dict[m.Refusal, tuple[type[AppError], str]] = {
    m.Refusal.ENDED: (Conflict, "The call has ended."),
    m.Refusal.FULL: (Conflict, "The call is full."),
    m.Refusal.NOT_IN_CALL: (Forbidden, "You are not in this call, or they are not."),
    m.Refusal.NOT_INVITED: (NotFound, "No such call."),
}


def refused(refusal: m.Refusal) -> AppError:
    kind, message = _REFUSALS[refusal]
    CALLS_REFUSED.labels(refusal.value).inc()
    return kind(message, code=ErrorCode(refusal.value))


class CallService:
    def __init__(
        self,
        db: Database,
        access: RoomAccess,
        messages: MessageService,
        publisher: Publisher,
        store: CallStore,
        settings: CallSettings,
        notifier: Notifier,
        flags: FlagService,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = db
        self._access = access
        self._messages = messages
        self._publisher = publisher
        self._store = store
        self._settings = settings
        self._flags = flags
        self._notifier = notifier
        self._clock = clock
        self._locks: WeakValueDictionary[uuid.UUID, asyncio.Lock] = WeakValueDictionary()
        self._timers: set[asyncio.Task[None]] = set()

    def _lock(self, call_id: uuid.UUID) -> asyncio.Lock:
        lock = self._locks.get(call_id)
        if lock is None:
            lock = self._locks[call_id] = asyncio.Lock()
        return lock

    async def _member_dm(self, user_id: uuid.UUID, room_id: uuid.UUID) -> frozenset[uuid.UUID]:
        """The room's DM pair (empty for a room) if the user is a member; 404/403 otherwise."""
        async with self._db.reader() as db:
            record, _ = await self._access.as_member(db, user_id, room_id)
        return frozenset(record.dm_user_ids) if record.kind == "dm" else frozenset()

    async def _load(self, call_id: uuid.UUID) -> m.CallState:
        state = await self._store.get(call_id)
        if state is None:
            raise NotFound("No such call.", code=ErrorCode.CALL_NOT_FOUND)
        return state

    # -- use cases ------------------------------------------------------------------------------

    async def start(self, caller: uuid.UUID, room_id: uuid.UUID, kind: m.CallKind) -> ev.CallWire:
        async with self._db.reader() as db:
            record, _ = await self._access.as_member(db, caller, room_id)
        self._flags.require(CALLS, caller, record.sanctum)  # after the membership check: no existence leak
        invited = (frozenset(record.dm_user_ids) if record.kind == "dm" else frozenset()) - {caller}
        now = self._clock()
        if m.occupies(await self._store.of_user(caller), caller, now):
            raise Conflict("You are in a call already.", code=ErrorCode.CALL_BUSY)
        room_seen, ongoing = await self._store.room_claim(room_id)
        if ongoing is not None and m.expire(ongoing, now).status != "ended":
            raise Conflict("This room has a call already: join it.", code=ErrorCode.CALL_BUSY)
        for user in invited:
            if m.occupies(await self._store.of_user(user), user, now):
                raise Conflict("They are in another call.", code=ErrorCode.CALL_BUSY)
        state = m.start(uuid.uuid4(), room_id, kind, caller, invited, now, self._settings.ring_seconds)
        if not await self._store.save(state, room_seen):  # another call started here meanwhile
            raise Conflict("This room has a call already: join it.", code=ErrorCode.CALL_BUSY)
        CALLS_STARTED.labels(kind).inc()
        wire = ev.CallWire.of(state)
        for user in invited:
            await self._publisher.publish_ephemeral(f"user:{user}", ev.CALL_RING, ev.CallChange(call=wire))
        await self._announce(state)
        self._later(self._ring_out(state.id), f"call-ring-{state.id}")
        return wire

    def _later(self, work: Coroutine[Any, Any, None], name: str) -> None:
        timer = asyncio.create_task(work, name=name)
        self._timers.add(timer)
        timer.add_done_callback(self._timers.discard)

    async def accept(self, user: uuid.UUID, call_id: uuid.UUID) -> ev.CallWire:
        state = await self._load(call_id)
        await self._member_dm(user, state.room_id)
        other = await self._store.of_user(user)
        if other is not None and other.id != call_id and m.occupies(other, user, self._clock()):
            raise Conflict("You are in a call already.", code=ErrorCode.CALL_BUSY)
        return await self._apply(call_id, lambda s, now: m.accept(s, user, now, self._settings.max_participants))

    async def decline(self, user: uuid.UUID, call_id: uuid.UUID) -> ev.CallWire:
        state = await self._load(call_id)
        await self._member_dm(user, state.room_id)
        return await self._apply(call_id, lambda s, now: m.decline(s, user, now))

    async def hang_up(self, user: uuid.UUID, call_id: uuid.UUID) -> ev.CallWire:
        return await self._apply(call_id, lambda s, now: m.leave(s, user, now))

    async def away(self, user: uuid.UUID) -> None:
        """The user's last socket closed: if they are in a call, they are dropped from it unless a
        socket of theirs opens within `rejoin_seconds` (`back`, on whichever instance)."""
        state = await self._store.of_user(user)
        if state is None or user not in state.participants:
            return
        grace = self._settings.rejoin_seconds
        if grace <= 0:
            await self.dropped(user)
            return
        token = uuid.uuid4().hex
        await self._store.mark_away(user, token, grace + 60)
        self._later(self._drop_unless_back(user, token, grace), f"call-away-{user}")

    async def back(self, user: uuid.UUID) -> None:
        """A socket of the user opened while they had none: a pending drop is called off."""
        await self._store.back(user)

    async def _drop_unless_back(self, user: uuid.UUID, token: str, grace: float) -> None:
        await asyncio.sleep(grace)
        try:
            # Another close since (a new token) has its own timer; none means they came back.
            if await self._store.away(user) == token:
                await self._store.back(user)
                await self.dropped(user)
        except Exception:
            log.exception("call_drop_failed", user_id=str(user))

    async def dropped(self, user: uuid.UUID) -> None:
        """The user is gone (no socket for `rejoin_seconds`): they leave the call they were in (if any)."""
        state = await self._store.of_user(user)
        if state is not None and user in state.participants:
            with contextlib.suppress(AppError):
                await self._apply(state.id, lambda s, now: m.leave(s, user, now, dropped=True))

    async def room_call(self, user: uuid.UUID, room_id: uuid.UUID) -> ev.RoomCall:
        """The room's live call, for a member (404/403 otherwise) deciding whether to join it."""
        await self._member_dm(user, room_id)
        state = await self._store.of_room(room_id)
        if state is None or m.expire(state, self._clock()).status == "ended":
            return ev.RoomCall(call=None)
        return ev.RoomCall(call=ev.CallWire.of(state))

    async def signal(
        self, sender: uuid.UUID, call_id: uuid.UUID, to: uuid.UUID, signal: ev.SignalKind, payload: str
    ) -> None:
        state = await self._load(call_id)
        refusal = m.may_signal(state, sender, to, self._clock())
        if refusal is not None:
            raise refused(refusal)
        await self._member_dm(sender, state.room_id)
        data = ev.CallSignal(call_id=call_id, from_user_id=sender, signal=signal, payload=payload)
        await self._publisher.publish_ephemeral(f"user:{to}", ev.CALL_SIGNAL, data)

    def ice_servers(self, user_id: uuid.UUID) -> IceServers:
        return ice_servers(self._settings, user_id, time.time())

    async def stop(self) -> None:
        for timer in list(self._timers):
            timer.cancel()

    # -- transitions ----------------------------------------------------------------------------

    async def _apply(self, call_id: uuid.UUID, transition: Callable[[m.CallState, datetime], m.Outcome]) -> ev.CallWire:
        """Run one transition on the call as stored (rerun if another instance changed it meanwhile);
        a ring that ran out is recorded as missed first, whichever event noticed it, so its entry is
        written even when the event itself is refused."""
        outcome: m.Outcome | None = None

        def step(stored: m.CallState) -> m.CallState:
            nonlocal outcome
            now = self._clock()
            before = m.expire(stored, now)
            outcome = transition(before, now)
            return before if isinstance(outcome, m.Refusal) else outcome

        async with self._lock(call_id):
            try:
                written = await self._store.update(call_id, step)
            except CallContended:
                raise Conflict("The call is changing: try again.", code=ErrorCode.CONFLICT) from None
        if written is None or outcome is None:
            raise NotFound("No such call.", code=ErrorCode.CALL_NOT_FOUND)
        stored, final = written
        if final != stored:
            await self._changed(stored, final)
        if isinstance(outcome, m.Refusal):
            raise refused(outcome)
        return ev.CallWire.of(outcome)

    async def _changed(self, before: m.CallState, after: m.CallState) -> None:
        if before.connected_at is None and after.connected_at is not None:
            CALLS_CONNECTED.inc()
        if after.status == "ended":
            CALLS_ENDED.labels(after.reason or "completed").inc()
            if after.connected_at is not None:
                CALL_DURATION.observe(after.seconds())
            await self._leave_entry(after)
            if after.reason == "missed":
                for callee in after.invited - {after.caller}:
                    await self._notifier.missed_call(
                        to=callee, by=after.caller, room_id=after.room_id, call_id=after.id
                    )
        await self._announce(after, before)

    async def _announce(self, state: m.CallState, before: m.CallState | None = None) -> None:
        """`call.updated` to everyone the call concerns, `call.room` to the room's viewers."""
        change = ev.CallChange(call=ev.CallWire.of(state))
        people = {state.caller, *state.invited, *state.participants, *(before.participants if before else ())}
        for user in people:
            await self._publisher.publish_ephemeral(f"user:{user}", ev.CALL_UPDATED, change)
        await self._publisher.publish_ephemeral(f"room:{state.room_id}", ev.CALL_ROOM, change)

    async def _leave_entry(self, state: m.CallState) -> None:
        line = m.entry(state)
        if line is None:
            return
        kind, detail = line
        async with self._db.writer() as db:
            await self._messages.system_message(db, state.room_id, kind, state.caller, detail=detail)

    async def _ring_out(self, call_id: uuid.UUID) -> None:
        """The timer half of "missed after 30 s" (the other half: `expire` before every event)."""
        await asyncio.sleep(self._settings.ring_seconds)
        try:
            await self._apply(call_id, lambda s, now: m.expire(s, now))
        except AppError:
            pass
        except Exception:
            log.exception("call_ring_out_failed", call_id=str(call_id))
