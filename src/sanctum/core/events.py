"""Server events: the envelope every realtime event travels in, encoded once for every recipient.

`{"type": "message.created", "topic": "room:42", "seq": 1235, "data": {...}}`: `seq` only on persistent
events (those in the topic's event log, db/eventlog.py). Domains build them, the unit of work logs and
publishes them, the broker carries them between instances (`pack`/`unpack`) and the gateway writes
`frame` to sockets as it is.

Every event type is declared once as an `EventKind`: its name, the model its `data` holds, the topic
it is published on and whether it is logged. Emitting through a kind is what types the payload
(`uow.emit(topic, MESSAGE_CREATED, read)` takes a `MessageRead`), and the realtime contract
(docs/realtime.schema.json, docs/asyncapi.yaml, the web client's types) is generated from the kinds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict

D = TypeVar("D", bound=BaseModel)


def dumps(value: dict[str, Any]) -> str:
    return orjson.dumps(value).decode()


@dataclass(frozen=True, slots=True)
class Event:
    """An event ready for fanout. `frame` is the encoded envelope, built once for every recipient."""

    topic: str
    type: str
    frame: str
    seq: int | None = None
    published_at: float = 0.0
    # The W3C traceparent of the span that published it ("" when tracing is off): carried between
    # instances in the broker envelope, never in `frame`, so clients never see it.
    trace: str = ""

    @property
    def persistent(self) -> bool:
        return self.seq is not None


def make_event(topic: str, type_: str, data: Any, seq: int | None = None) -> Event:
    if "|" in type_:
        raise ValueError("event types may not contain '|' (it separates fields on the broker)")
    envelope: dict[str, Any] = {"type": type_, "topic": topic}
    if seq is not None:
        envelope["seq"] = seq
    envelope["data"] = data
    return Event(topic=topic, type=type_, frame=dumps(envelope), seq=seq, published_at=time.time())


# Broker wire format: "<seq or ->|<published_at>|<type>|<frame>", so a receiving instance can order,
# measure and fan out without decoding the envelope; with tracing on, "~<traceparent>|" before it
# (untraced events keep the old format, so instances of the previous release still read them).
def pack(event: Event) -> bytes:
    seq = "-" if event.seq is None else str(event.seq)
    head = f"~{event.trace}|" if event.trace else ""
    return f"{head}{seq}|{event.published_at:.6f}|{event.type}|{event.frame}".encode()


def unpack(topic: str, payload: bytes | str) -> Event:
    text = payload.decode() if isinstance(payload, bytes) else payload
    trace = ""
    if text.startswith("~"):
        trace, text = text[1:].split("|", 1)
    seq_s, published_s, type_, frame = text.split("|", 3)
    return Event(
        topic=topic,
        type=type_,
        frame=frame,
        seq=None if seq_s == "-" else int(seq_s),
        published_at=float(published_s),
        trace=trace,
    )


class EventData(BaseModel):
    """Base of the models event payloads are made of (each holds exactly the fields its event sends)."""

    model_config = ConfigDict(frozen=True)


class Redacted(EventData):
    """What a logged event about a deleted object carries instead (a resume must not replay its text)."""

    id: int
    deleted: Literal[True]


@dataclass(frozen=True, slots=True)
class EventKind(Generic[D]):
    """One type of server event: its name, the model of its `data`, where it is published."""

    name: str
    data: Any  # the model, or a union of models, `data` is validated against in the contract
    topic: str  # the topic pattern, e.g. "room:{id}"
    description: str
    persistent: bool | None = True  # None: either, as the publisher decides (then `seq` only when logged)
    redactable: bool = False  # logged frames may later carry `Redacted` instead

    def encode(self, data: D) -> Any:
        """`data` as JSON values, every field included."""
        return data.model_dump(mode="json", by_alias=True)

    def event(self, topic: str, data: D) -> Event:
        """An ephemeral event of this kind, ready to publish."""
        return make_event(topic, self.name, self.encode(data))
