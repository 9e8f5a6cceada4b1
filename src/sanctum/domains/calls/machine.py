"""The call state machine: pure functions from a frozen `CallState` to a new one, or a `Refusal`.

ringing -> active -> ended, and ended is terminal. A call rings its invitees until `deadline`; the
first accept makes it active; it ends when an invitee of a DM declines, when nobody answers in time
(missed: `expire` is applied before every event and by a timer), when the caller hangs up before an
answer (cancelled), or when fewer than two participants remain (hung up, or dropped: their last
socket closed). No function here mutates its argument, reads a clock or does I/O; the caller passes
`now`. Whether a user is free for a call is `occupies` of the call they are in, asked by the service.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from sanctum.core.errors import ErrorCode

CallKind = Literal["voice", "video"]
Status = Literal["ringing", "active", "ended"]
EndReason = Literal["missed", "declined", "cancelled", "completed", "dropped"]


class Refusal(StrEnum):
    """Why an event does not apply to a call (the error code the socket answers with)."""

    ENDED = ErrorCode.CALL_ENDED
    FULL = ErrorCode.CALL_FULL
    NOT_IN_CALL = ErrorCode.NOT_IN_CALL
    NOT_INVITED = ErrorCode.CALL_NOT_FOUND


@dataclass(frozen=True, slots=True)
class CallState:
    id: uuid.UUID
    room_id: uuid.UUID
    kind: CallKind
    caller: uuid.UUID
    # Who is rung (a DM: the other person); empty for a room call, which any member may join.
    invited: frozenset[uuid.UUID]
    participants: tuple[uuid.UUID, ...]
    status: Status
    started_at: datetime
    deadline: datetime
    connected_at: datetime | None = None
    ended_at: datetime | None = None
    reason: EndReason | None = None
    declined: frozenset[uuid.UUID] = frozenset()

    @property
    def is_dm(self) -> bool:
        return bool(self.invited)

    def seconds(self) -> int:
        """How long it was connected (0 if never)."""
        if self.connected_at is None or self.ended_at is None:
            return 0
        return max(0, int((self.ended_at - self.connected_at).total_seconds()))


Outcome = CallState | Refusal


def start(
    call_id: uuid.UUID,
    room_id: uuid.UUID,
    kind: CallKind,
    caller: uuid.UUID,
    invited: frozenset[uuid.UUID],
    now: datetime,
    ring_seconds: float,
) -> CallState:
    return CallState(
        id=call_id,
        room_id=room_id,
        kind=kind,
        caller=caller,
        invited=invited - {caller},
        participants=(caller,),
        status="ringing",
        started_at=now,
        deadline=now + timedelta(seconds=ring_seconds),
    )


def _end(state: CallState, now: datetime, reason: EndReason) -> CallState:
    return dataclasses.replace(state, status="ended", ended_at=now, reason=reason, participants=())


def expire(state: CallState, now: datetime) -> CallState:
    """A ringing call past its deadline is missed; anything else is unchanged."""
    if state.status == "ringing" and now >= state.deadline:
        return _end(state, state.deadline, "missed")
    return state


def accept(state: CallState, user: uuid.UUID, now: datetime, max_participants: int) -> Outcome:
    state = expire(state, now)
    if state.status == "ended":
        return Refusal.ENDED
    if state.is_dm and user not in state.invited:
        return Refusal.NOT_INVITED
    if user in state.participants:
        return state
    if len(state.participants) >= max_participants:
        return Refusal.FULL
    return dataclasses.replace(
        state,
        status="active",
        participants=(*state.participants, user),
        connected_at=state.connected_at or now,
        declined=state.declined - {user},
    )


def decline(state: CallState, user: uuid.UUID, now: datetime) -> Outcome:
    state = expire(state, now)
    if state.status == "ended":
        return Refusal.ENDED
    if user in state.participants:
        return Refusal.NOT_IN_CALL
    if state.is_dm and user not in state.invited:
        return Refusal.NOT_INVITED
    declined = state.declined | {user}
    if state.status == "ringing" and state.is_dm and declined >= state.invited:
        return _end(dataclasses.replace(state, declined=declined), now, "declined")
    return dataclasses.replace(state, declined=declined)


def leave(state: CallState, user: uuid.UUID, now: datetime, *, dropped: bool = False) -> Outcome:
    """A participant hangs up (or, `dropped`, their last socket closed)."""
    state = expire(state, now)
    if state.status == "ended":
        return Refusal.ENDED
    if user not in state.participants:
        return Refusal.NOT_IN_CALL
    if state.status == "ringing":
        return _end(state, now, "dropped" if dropped else "cancelled")
    rest = tuple(p for p in state.participants if p != user)
    if len(rest) < 2:
        return _end(state, now, "dropped" if dropped else "completed")
    return dataclasses.replace(state, participants=rest)


def may_signal(state: CallState, sender: uuid.UUID, target: uuid.UUID, now: datetime) -> Refusal | None:
    """Signalling flows only between two different participants of an active call."""
    state = expire(state, now)
    if state.status != "active":
        return Refusal.ENDED if state.status == "ended" else Refusal.NOT_IN_CALL
    if sender == target or sender not in state.participants or target not in state.participants:
        return Refusal.NOT_IN_CALL
    return None


def occupies(state: CallState | None, user: uuid.UUID, now: datetime) -> bool:
    """Whether `user` is taken by this call: a participant of a live call, or rung by a DM call."""
    if state is None:
        return False
    state = expire(state, now)
    if state.status == "ended":
        return False
    return user in state.participants or (state.status == "ringing" and user in state.invited)


def entry(state: CallState) -> tuple[Literal["missed_call", "call"], str] | None:
    """The system line an ended call leaves in its room: ("missed_call", "") reads "Missed call",
    ("call", "4 min") reads "Call, 4 min"."""
    if state.status != "ended":
        return None
    if state.connected_at is None:
        return ("missed_call", "")
    seconds = state.seconds()
    return ("call", f"{seconds} s" if seconds < 60 else f"{round(seconds / 60)} min")
