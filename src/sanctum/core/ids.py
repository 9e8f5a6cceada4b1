"""Identifiers: opaque random tokens and request ids."""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Annotated

from pydantic import Field, StringConstraints

ClientId = Annotated[
    str | None,
    StringConstraints(min_length=1, max_length=64),
    Field(description="Makes a retried create idempotent: the same client_id returns what the first stored (200)."),
]
"""A creating command's idempotency key, chosen by the client (a UUID): a retry after a 503 or a lost
response sends the same one again and gets what the first attempt stored instead of a second copy."""

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
