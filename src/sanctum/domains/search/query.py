"""What a search box's text means: words, filters, and the highlighted snippets that come back.

Problem: a query is user text sent straight into a full-text engine, whose own syntax (FTS5's `NEAR`,
`"`, `*`, `^`, column filters; tsquery's `&|!<->():*`) would let a query fail with a syntax error (a
500) or ask for far more work than a search box should.

Mechanism: the engine never sees the text. `parse` keeps only words (runs of letters and digits, as
both engines' tokenizers cut them), lowercased, at most `MAX_TERMS`, each quoted by the index as a
literal; the last word matches as a prefix (results while typing). Filters are `from:@user`,
`in:#room`, `before:YYYY-MM-DD`, `after:YYYY-MM-DD`, `has:link`, `has:file`. A query over
`MAX_QUERY` characters, with a control or format character, with a malformed date or unknown
`has:`, or with no word at all is a 422 naming `q`. Snippets come back from the engine with two
private-use characters around each match; `segments` turns them into plain text pieces marked
`match`, so a client renders text, never HTML from a message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sanctum.core.errors import ValidationFailed
from sanctum.domains.search.schemas import Segment

MAX_QUERY = 256
MAX_TERMS = 8
MAX_TERM = 64
# Around each match in a snippet (private-use code points; stripped from text that carries them).
START, STOP = "\ue000", "\ue001"

_WORD = re.compile(r"[^\W_]+")
_FILTER = re.compile(r"^(from|in|before|after|has):(\S*)$", re.IGNORECASE)
_HAS = ("link", "file")


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. `terms` are lowercase words; the last one matches as a prefix."""

    terms: list[str]
    authors: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    before: datetime | None = None
    after: datetime | None = None
    has_link: bool = False
    has_file: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.authors or self.rooms or self.before or self.after or self.has_link or self.has_file)

    @property
    def text(self) -> str:
        """The words alone (what names, rooms and people are matched against)."""
        return " ".join(self.terms)


def _bad(reason: str) -> ValidationFailed:
    return ValidationFailed(fields={"q": reason})


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _bad("dates are written YYYY-MM-DD") from exc


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def parse(q: str) -> Query:
    """The query's words and filters; 422 (`q`) when it is unusable (module docstring)."""
    if len(q) > MAX_QUERY:
        raise _bad(f"must be at most {MAX_QUERY} characters")
    text = unicodedata.normalize("NFC", q)
    bad = next((c for c in text if unicodedata.category(c)[0] == "C" and c not in "\t\n\r "), None)
    if bad is not None or START in text or STOP in text:
        raise _bad(f"must not contain U+{ord(bad or START):04X}")
    terms: list[str] = []
    authors: list[str] = []
    rooms: list[str] = []
    before = after = None
    has: set[str] = set()
    for token in text.split():
        found = _FILTER.match(token)
        if found is None:
            terms += _WORD.findall(token.lower())
            continue
        name, value = found[1].lower(), found[2]
        if name == "from" and value.lstrip("@"):
            authors.append(value.lstrip("@").lower())
        elif name == "in" and value.lstrip("#"):
            rooms.append(value.lstrip("#").lower())
        elif name == "before":
            before = _midnight(_day(value))
        elif name == "after":
            after = _midnight(_day(value)) + timedelta(days=1)
        elif name == "has" and value.lower() in _HAS:
            has.add(value.lower())
        else:
            raise _bad(f"{name}: needs a value (from:@user, in:#room, before:/after:YYYY-MM-DD, has:link|file)")
    terms = list(dict.fromkeys(t for t in terms if len(t) <= MAX_TERM))[:MAX_TERMS]
    if not terms:
        raise _bad("needs a word to search for")
    return Query(terms, authors, rooms, before, after, "link" in has, "file" in has)


def segments(snippet: str) -> list[Segment]:
    """A marked snippet as text pieces, `match` where the query matched (never HTML)."""
    out: list[Segment] = []
    matching = False
    for piece in re.split(f"([{START}{STOP}])", snippet):
        if piece == START:
            matching = True
        elif piece == STOP:
            matching = False
        elif piece:
            out.append(Segment(text=piece, match=matching))
    return out


def plain(text: str, limit: int = 200) -> list[Segment]:
    """Unmarked text as one segment, cut at `limit` characters."""
    cut = text.replace(START, "").replace(STOP, "")
    return [Segment(text=cut if len(cut) <= limit else cut[: limit - 1] + "…", match=False)]
