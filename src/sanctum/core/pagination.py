"""Opaque cursors for keyset pagination (never offsets), typed: each list names its cursor model.

A cursor is the urlsafe base64 of a small JSON object; `decode_cursor(cursor, NameCursor)` checks it
against its model, so a forged or foreign cursor is a 422 naming the `cursor` field, never a 500.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from sanctum.core.errors import ValidationFailed

C = TypeVar("C", bound=BaseModel)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


class Cursor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NameCursor(Cursor):
    """After the row with this name and id (lists ordered by name)."""

    n: Annotated[str, AfterValidator(_no_nul), Field(max_length=200)]
    i: uuid.UUID


class RankCursor(Cursor):
    """After the row of rank `r` with this name (search results: best rank first, then by name)."""

    r: Annotated[int, Field(ge=0, le=100)]
    n: Annotated[str, AfterValidator(_no_nul), Field(max_length=200)]


class TimeCursor(Cursor):
    """After the row with this timestamp and id (lists ordered by time, newest first)."""

    t: AwareDatetime
    id: uuid.UUID


class UpdatedCursor(Cursor):
    """After the row updated at `u` with integer id `i`."""

    u: AwareDatetime
    i: Annotated[int, Field(gt=0, lt=2**62)]


class IdCursor(Cursor):
    """After the row with this integer id (lists ordered by id, newest first)."""

    i: Annotated[int, Field(gt=0, lt=2**62)]


def encode_cursor(value: Cursor | dict[str, Any]) -> str:
    values = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, model: type[C], field: str = "cursor") -> C:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return model.model_validate(value)
    except (ValueError, UnicodeDecodeError, ValidationError) as exc:
        raise ValidationFailed(fields={field: "is not a valid cursor"}) from exc
