"""Opaque cursors for keyset pagination (never offsets)."""

from __future__ import annotations

import base64
import json
from typing import Any

from sanctum.core.errors import ValidationFailed


def encode_cursor(values: dict[str, Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, field: str = "cursor") -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(fields={field: "is not a valid cursor"}) from exc
    if not isinstance(value, dict):
        raise ValidationFailed(fields={field: "is not a valid cursor"})
    return value
