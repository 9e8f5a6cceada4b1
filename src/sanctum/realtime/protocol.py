"""The wire protocol of the realtime gateway: envelopes, error codes and close codes.

Client -> server: `{"type": "subscribe", "topic": "room:42", "since": 1234, "cid": "c1"}`.
Server -> client: `{"type": "message.created", "topic": "room:42", "seq": 1235, "data": {...}}`.
Errors: `{"type": "error", "cid"?, "error": {"code", "message", "details"?}}`. docs/realtime.md has the rest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import orjson


class CloseCode(IntEnum):
    NORMAL = 1000
    GOING_AWAY = 1001
    POLICY = 1008
    BAD_TICKET = 4401
    FORBIDDEN = 4403
    SLOW_OR_SILENT = 4408
    TOO_MANY_CONNECTIONS = 4429


class ErrorCode:
    BAD_JSON = "BAD_JSON"
    BAD_MESSAGE = "BAD_MESSAGE"
    UNKNOWN_TYPE = "UNKNOWN_TYPE"
    FRAME_TOO_LARGE = "FRAME_TOO_LARGE"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    NOT_SUBSCRIBED = "NOT_SUBSCRIBED"
    RESYNC_REQUIRED = "RESYNC_REQUIRED"
    INTERNAL = "INTERNAL_ERROR"


class ProtocolError(Exception):
    """A client message that gets an error envelope (the connection stays open)."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def dumps(value: dict[str, Any]) -> str:
    return orjson.dumps(value).decode()


def error_frame(code: str, message: str, cid: str | None = None, details: dict[str, Any] | None = None) -> str:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    envelope: dict[str, Any] = {"type": "error", "error": body}
    if cid is not None:
        envelope["cid"] = cid
    return dumps(envelope)


@dataclass(frozen=True, slots=True)
class Event:
    """An event ready for fanout. `frame` is the encoded envelope, built once for every recipient."""

    topic: str
    type: str
    frame: str
    seq: int | None = None
    published_at: float = 0.0

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
# measure and fan out without decoding the envelope.
def pack(event: Event) -> bytes:
    seq = "-" if event.seq is None else str(event.seq)
    return f"{seq}|{event.published_at:.6f}|{event.type}|{event.frame}".encode()


def unpack(topic: str, payload: bytes | str) -> Event:
    text = payload.decode() if isinstance(payload, bytes) else payload
    seq_s, published_s, type_, frame = text.split("|", 3)
    return Event(
        topic=topic,
        type=type_,
        frame=frame,
        seq=None if seq_s == "-" else int(seq_s),
        published_at=float(published_s),
    )


@dataclass(frozen=True, slots=True)
class ClientMessage:
    type: str
    topic: str | None
    cid: str | None
    raw: dict[str, Any]


def parse_client_message(text: str | bytes) -> ClientMessage:
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ProtocolError(ErrorCode.BAD_JSON, "The frame is not valid JSON.") from exc
    if not isinstance(value, dict):
        raise ProtocolError(ErrorCode.BAD_MESSAGE, "A message must be a JSON object.")
    cid = value.get("cid")
    if cid is not None and (not isinstance(cid, str | int) or isinstance(cid, bool) or len(str(cid)) > 64):
        raise ProtocolError(ErrorCode.BAD_MESSAGE, "`cid` must be a short string.")
    cid_s = None if cid is None else str(cid)
    type_ = value.get("type")
    if not isinstance(type_, str) or not type_ or len(type_) > 64:
        raise ProtocolError(ErrorCode.BAD_MESSAGE, "`type` must be a non-empty string.")
    topic = value.get("topic")
    if topic is not None and (not isinstance(topic, str) or not 0 < len(topic) <= 128):
        raise ProtocolError(ErrorCode.BAD_MESSAGE, "`topic` must be a string of at most 128 characters.")
    return ClientMessage(type=type_, topic=topic, cid=cid_s, raw=value)
