"""The text of the digest email: plain text only (no HTML part, so nothing in it is markup), one line per
mention naming who, where, when, an excerpt and the room's link.

An excerpt is at most EXCERPT_CHARS characters of the message on one line: line breaks and control
characters become spaces, so a message cannot fake lines of the email (a link that looks like ours).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sanctum.mail import Email

EXCERPT_CHARS = 80


@dataclass(frozen=True, slots=True)
class MissedMention:
    by: str
    room: str
    link: str
    excerpt: str
    at: datetime


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    flat = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in body)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def digest(to: str, username: str, mentions: list[MissedMention], settings_link: str) -> Email:
    count = len(mentions)
    lines = [f"- {m.by} in {m.room}, {m.at:%Y-%m-%d %H:%M} UTC: \u201c{m.excerpt}\u201d\n  {m.link}" for m in mentions]
    return Email(
        to=to,
        subject=f"You were mentioned {count} time{'s' if count != 1 else ''} on Sanctum",
        text=(
            f"Hello {username},\n\nWhile you were away, you were mentioned here and have not read it yet:\n\n"
            + "\n".join(lines)
            + f"\n\nYou get this email because you turned on the email digest. Turn it off in your settings:\n"
            f"{settings_link}\n"
        ),
    )
