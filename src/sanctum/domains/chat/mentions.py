"""Mentions: `@name` in a message body, the first 20 distinct names in the order they appear."""

from __future__ import annotations

from sanctum.core.markdown import MENTION

MAX_MENTIONS = 20


def mentioned_usernames(body: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in MENTION.finditer(body):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)[:MAX_MENTIONS]
