"""Identifiers: opaque random tokens and request ids."""

from __future__ import annotations

import re
import secrets
import uuid

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random secret (refresh tokens, websocket tickets)."""
    return secrets.token_urlsafe(nbytes)


def sane_request_id(value: str | None) -> str:
    """The client's request id if it is short and plain, else a fresh one."""
    if value and _REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex
