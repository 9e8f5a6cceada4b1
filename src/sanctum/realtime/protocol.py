"""The wire protocol of the realtime gateway: envelopes, error codes and close codes.

Client -> server: `{"type": "subscribe", "topic": "room:42", "since": 1234, "cid": "c1"}`.
Server -> client: `{"type": "message.created", "topic": "room:42", "seq": 1235, "data": {...}}`.
Errors: `{"type": "error", "cid"?, "error": {"code", "message", "details"?}}`. docs/realtime.md has the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import orjson

from sanctum.core.events import dumps


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


def error_frame(code: str, message: str, cid: str | None = None, details: dict[str, Any] | None = None) -> str:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    envelope: dict[str, Any] = {"type": "error", "error": body}
    if cid is not None:
        envelope["cid"] = cid
    return dumps(envelope)


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
