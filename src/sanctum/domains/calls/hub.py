"""The calls hub: WebRTC signalling over the one socket (no second socket, no token in a URL).

Client messages (each answered `call.ok` `{cid, call}` or an error envelope; `call.signal` answers
nothing when forwarded):
- `call.start` `{room_id, kind: voice|video}`: ring a DM's other person, or open a call in a room.
- `call.accept` / `call.decline` / `call.hangup` `{call_id}`.
- `call.signal` `{call_id, to, signal: offer|answer|ice, payload}`: forwarded as `call.signal` to
  `user:{to}` only if both are participants of the active call (service.py decides).

Events go to people's `user:{id}` topics and the room's `room:{id}` (events.py); the hub owns the
`call:` prefix for a future SFU's per-call topic and lets nobody subscribe to it yet. A user whose last
socket closes is dropped from their call unless a socket of theirs opens again within the grace period
(`CALLS__REJOIN_SECONDS`).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from sanctum.domains.calls import events as ev
from sanctum.domains.calls.machine import CallKind
from sanctum.domains.calls.service import CallService
from sanctum.realtime.hub import Command, Hub, Sender
from sanctum.realtime.protocol import ClientCommand
from sanctum.realtime.publisher import Publisher

MAX_SDP = 16_384


class CallStart(ClientCommand):
    """Start a call in a DM or a room you are a member of."""

    type: Literal["call.start"]
    room_id: uuid.UUID
    kind: CallKind = "voice"


class CallControl(ClientCommand):
    """Accept, decline or hang up a call."""

    type: Literal["call.accept", "call.decline", "call.hangup"]
    call_id: uuid.UUID


class CallSignalCommand(ClientCommand):
    """WebRTC signalling to one other participant: an offer, an answer or an ICE candidate."""

    type: Literal["call.signal"]
    call_id: uuid.UUID
    to: uuid.UUID
    signal: ev.SignalKind
    payload: Annotated[str, Field(min_length=1, max_length=MAX_SDP, description="SDP or candidate, as JSON text.")]


class CallOk(BaseModel):
    """The answer to `call.start`, `call.accept`, `call.decline` and `call.hangup`: the call after it."""

    type: Literal["call.ok"]
    call: ev.CallWire
    cid: str | None = None


class CallsHub(Hub):
    name = "calls"
    prefixes = ("call:",)
    events = ev.EVENTS
    replies = (CallOk,)

    def __init__(self, service: CallService) -> None:
        self._service = service
        self.handlers = {
            "call.start": Command(CallStart, self._start, limit="call_start"),
            "call.accept": Command(CallControl, self._control, limit="call_control"),
            "call.decline": Command(CallControl, self._control, limit="call_control"),
            "call.hangup": Command(CallControl, self._control, limit="call_control"),
            "call.signal": Command(CallSignalCommand, self._signal, limit="call_signal"),
        }

    async def authorize(self, user_id: uuid.UUID, topic: str) -> bool:
        return False

    async def on_connect(self, publisher: Publisher, user_id: uuid.UUID, first: bool) -> None:
        if first:
            await self._service.back(user_id)

    async def on_disconnect(self, publisher: Publisher, user_id: uuid.UUID, last: bool) -> None:
        if last:
            await self._service.away(user_id)

    @staticmethod
    def _ok(publisher: Publisher, sender: Sender, call: ev.CallWire) -> None:
        reply = CallOk(type="call.ok", call=call, cid=sender.cid)
        publisher.send_to_connection(
            sender.connection_id, reply.model_dump_json(exclude={"cid"} if sender.cid is None else None)
        )

    async def _start(self, publisher: Publisher, sender: Sender, command: CallStart) -> None:
        self._ok(publisher, sender, await self._service.start(sender.user_id, command.room_id, command.kind))

    async def _control(self, publisher: Publisher, sender: Sender, command: CallControl) -> None:
        if command.type == "call.accept":
            call = await self._service.accept(sender.user_id, command.call_id)
        elif command.type == "call.decline":
            call = await self._service.decline(sender.user_id, command.call_id)
        else:
            call = await self._service.hang_up(sender.user_id, command.call_id)
        self._ok(publisher, sender, call)

    async def _signal(self, publisher: Publisher, sender: Sender, command: CallSignalCommand) -> None:
        await self._service.signal(sender.user_id, command.call_id, command.to, command.signal, command.payload)
