"""The wire protocol of the realtime gateway: envelopes, error codes and close codes.

Client -> server: `{"type": "subscribe", "topic": "room:42", "since": 1234, "cid": "c1"}`.
Server -> client: `{"type": "message.created", "topic": "room:42", "seq": 1235, "data": {...}}`.
Errors: `{"type": "error", "cid"?, "error": {"code", "message", "details"?}}`. docs/realtime.md has the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Annotated, Any, Literal, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sanctum.core.errors import ErrorCode
from sanctum.core.events import dumps


class CloseCode(IntEnum):
    NORMAL = 1000
    GOING_AWAY = 1001
    POLICY = 1008
    BAD_TICKET = 4401
    FORBIDDEN = 4403
    SLOW_OR_SILENT = 4408
    TOO_MANY_CONNECTIONS = 4429


class ProtocolError(Exception):
    """A client message that gets an error envelope (the connection stays open)."""

    def __init__(self, code: ErrorCode, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def error_frame(
    code: ErrorCode | str, message: str, cid: str | None = None, details: dict[str, Any] | None = None
) -> str:
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


# -- typed client commands ------------------------------------------------------------------------

Topic = Annotated[str, Field(min_length=1, max_length=128)]
Cid = Annotated[str, Field(max_length=64, description="Echoed in the answer, so the client can match it.")]


class ClientCommand(BaseModel):
    """Base of every client message model: unknown fields are ignored (older or newer clients)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    cid: Cid | int | None = None


class TopicCommand(ClientCommand):
    topic: Topic


class Subscribe(TopicCommand):
    type: Literal["subscribe"]
    since: Annotated[int, Field(ge=0, strict=True)] | None = Field(
        None, description="The last seq seen on this topic: everything after it is replayed first."
    )


class Unsubscribe(TopicCommand):
    type: Literal["unsubscribe"]


class Ping(ClientCommand):
    type: Literal["ping"]


class Pong(ClientCommand):
    type: Literal["pong"]


C = TypeVar("C", bound=ClientCommand)


def validate_command(model: type[C], msg: ClientMessage) -> C:
    """`msg` as `model`, or BAD_MESSAGE naming the first field that is wrong."""
    try:
        return model.model_validate(msg.raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "message"
        raise ProtocolError(ErrorCode.BAD_MESSAGE, f"`{where}`: {first['msg']}.", {"field": where}) from exc


# -- server control frames (what the gateway itself sends) --------------------------------------


class Heartbeat(BaseModel):
    interval: float = Field(description="Seconds of silence after which the server pings.")
    timeout: float = Field(description="Seconds after a ping without an answer before closing with 4408.")


class Hello(BaseModel):
    type: Literal["hello"]
    connection_id: str
    user_id: str
    heartbeat: Heartbeat


class Subscribed(BaseModel):
    type: Literal["subscribed"]
    topic: str
    seq: int = Field(description="The topic's seq: every event up to it has been sent (replayed) already.")
    cid: str | None = None


class Unsubscribed(BaseModel):
    type: Literal["unsubscribed"]
    topic: str
    reason: Literal["revoked"] | None = Field(None, description="`revoked`: the server ended it (access was lost).")
    cid: str | None = None


class ErrorBody(BaseModel):
    code: ErrorCode
    message: str
    details: dict[str, Any] | None = None


class ErrorFrame(BaseModel):
    type: Literal["error"]
    error: ErrorBody
    cid: str | None = None


CONTROL_FRAMES: tuple[type[BaseModel], ...] = (Hello, Subscribed, Unsubscribed, ErrorFrame, Ping, Pong)
GATEWAY_COMMANDS: tuple[type[ClientCommand], ...] = (Subscribe, Unsubscribe, Ping, Pong)
