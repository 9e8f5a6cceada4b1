"""The full-text index port: one protocol, an implementation per database (sqlite_index, postgres_index).

The index is kept by the database itself, in the writing transaction (migration 0026: FTS5 tables
and triggers on SQLite, GIN expression indexes on PostgreSQL), so no write path of chat or posts can
forget it and a deleted message leaves it in the transaction that deletes it. The port only asks:
which rows of a kind match these words, inside this scope (the rooms or sanctums the caller may read,
decided by the service), best first, after this cursor.

Ranking: the engine's relevance (FTS5's bm25, PostgreSQL's ts_rank) divided by
`1 + age / HALF_LIFE_DAYS`, so a month-old match weighs half a fresh one; `now` is fixed by the first
page and carried in the cursor, so the order does not move while someone pages. Only the newest
`CANDIDATES` matches inside the scope are ranked: a word in most messages costs a bounded amount of
ranking (the engines' relevance functions read or re-parse each row) and paging reaches that many.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

HALF_LIFE_DAYS = 30.0
CANDIDATES = 2000
TextKind = Literal["messages", "posts", "comments"]


@dataclass(frozen=True, slots=True)
class TextSearch:
    """One page's question. `scope`: room ids (messages) or sanctum ids (posts and comments, whose
    profile posts, outside any sanctum, every signed-in person may read)."""

    terms: list[str]
    scope: list[uuid.UUID]
    now: datetime
    limit: int
    authors: list[uuid.UUID] | None = None
    before: datetime | None = None
    after: datetime | None = None
    has_link: bool = False
    has_file: bool = False
    after_score: float | None = None
    after_id: int | None = None


@dataclass(frozen=True, slots=True)
class TextHit:
    """A matching row: `container` is its room id (messages), sanctum id (posts) or post id (comments)."""

    id: int
    container: uuid.UUID | int | None
    author_id: uuid.UUID | None
    parent_id: int | None
    created_at: datetime
    edited_at: datetime | None
    score: float
    snippet: str


class SearchIndex(Protocol):
    async def search(self, db: AsyncSession, kind: TextKind, search: TextSearch) -> list[TextHit]:
        """Up to `search.limit` hits of `kind`, best first (score, then newest id), with snippets."""
        ...


def prefix_terms(terms: list[str]) -> list[tuple[str, bool]]:
    """Each word with whether it matches as a prefix (the last one: results while typing)."""
    return [(term, i == len(terms) - 1) for i, term in enumerate(terms)]
