"""Which links of a text get a preview: the first `MAX_LINKS` distinct http(s) URLs, in order.

Links inside code (`inline` or fenced) are not previewed: they are quoted, not shared.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from sanctum.db.unit_of_work import UnitOfWork

MAX_LINKS = 3
_FENCED = re.compile(r"```.*?(```|$)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"https?://[^\s<>\"'`\]\[()]+", re.IGNORECASE)
_TRAILING = ".,;:!?*_~"

LinksSent = Callable[[UnitOfWork, uuid.UUID, int, str], None]
"""What chat tells, in a send's or edit's unit of work, of a message (room, id, body) whose links may
want cards (chat/previews.py queues their job after commit)."""


def first_links(text: str, limit: int = MAX_LINKS) -> list[str]:
    """The URLs to preview in `text` (markdown), at most `limit`, without duplicates."""
    text = _INLINE_CODE.sub(" ", _FENCED.sub(" ", text))
    found: list[str] = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if len(url) <= 2048 and url not in found:
            found.append(url)
            if len(found) == limit:
                break
    return found
