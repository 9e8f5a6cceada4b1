"""Realtime events of calls, all ephemeral (a call is live or it is nothing; its lasting trace is the
system line it leaves in the room).

On each person's `user:{id}` topic, so every tab of theirs sees them: `call.ring` (rung by a call),
`call.updated` (the call changed: accepted, joined, left, ended with its reason), `call.signal`
(an offer, answer or ICE candidate from another participant, opaque to the server). On `room:{id}`:
`call.room`, the call's state for members looking at the room (a room call anyone may join).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from sanctum.core.events import EventData, EventKind
from sanctum.domains.calls.machine import CallKind, CallState, EndReason, Status

SignalKind = Literal["offer", "answer", "ice"]


class CallWire(EventData):
    id: uuid.UUID
    room_id: uuid.UUID
    kind: CallKind
    caller_id: uuid.UUID
    status: Status
    invited: list[uuid.UUID] = Field(description="Who is rung (a DM's other person); empty in a room call.")
    participants: list[uuid.UUID] = Field(description="Who is in the call now, caller first.")
    started_at: datetime
    deadline: datetime = Field(description="When a ringing call becomes missed.")
    connected_at: datetime | None
    ended_at: datetime | None
    reason: EndReason | None

    @classmethod
    def of(cls, state: CallState) -> CallWire:
        return cls(
            id=state.id,
            room_id=state.room_id,
            kind=state.kind,
            caller_id=state.caller,
            status=state.status,
            invited=sorted(state.invited),
            participants=list(state.participants),
            started_at=state.started_at,
            deadline=state.deadline,
            connected_at=state.connected_at,
            ended_at=state.ended_at,
            reason=state.reason,
        )


class CallChange(EventData):
    call: CallWire


class RoomCall(EventData):
    """A room's live call (ringing or active), for a member to join; null when it has none."""

    call: CallWire | None


class CallSignal(EventData):
    call_id: uuid.UUID
    from_user_id: uuid.UUID
    signal: SignalKind
    payload: str = Field(description="The SDP or ICE candidate as the sending browser wrote it (JSON text).")


USER = "user:{id}"
CALL_RING: EventKind[CallChange] = EventKind("call.ring", CallChange, USER, "A call rings you.", persistent=False)
CALL_UPDATED: EventKind[CallChange] = EventKind(
    "call.updated", CallChange, USER, "A call you are in or were rung by changed.", persistent=False
)
CALL_SIGNAL: EventKind[CallSignal] = EventKind(
    "call.signal", CallSignal, USER, "WebRTC signalling from another participant.", persistent=False
)
CALL_ROOM: EventKind[CallChange] = EventKind(
    "call.room", CallChange, "room:{id}", "A call in this room started or changed.", persistent=False
)
EVENTS = (CALL_RING, CALL_UPDATED, CALL_SIGNAL, CALL_ROOM)
