"""What a chat read returns instead of ORM objects: the row shapes, typed by the mapped names."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple, Protocol


class MessageRow(Protocol):
    """What a read needs of a message: a `Message`, or a row of the messages table (the same names).
    Reads select rows: building ORM objects cost more than the query (docs/architecture.md)."""

    @property
    def id(self) -> int: ...
    @property
    def room_id(self) -> uuid.UUID: ...
    @property
    def author_id(self) -> uuid.UUID | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def html(self) -> str: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def client_id(self) -> str | None: ...
    @property
    def reply_count(self) -> int: ...
    @property
    def last_reply_at(self) -> datetime | None: ...
    @property
    def edited_at(self) -> datetime | None: ...
    @property
    def deleted_at(self) -> datetime | None: ...
    @property
    def removed_by_moderator(self) -> bool: ...
    @property
    def created_at(self) -> datetime: ...


class Membership(NamedTuple):
    """What an access check needs of a member's row."""

    role: str
    last_read_message_id: int
    muted_until: datetime | None = None
