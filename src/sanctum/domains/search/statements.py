"""What the two index implementations share: the rows each kind searches, their scope, the filters
and the typed parameters and columns of every statement (built once, at import)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, String, TextualSelect, Uuid, bindparam, text
from sqlalchemy.sql.elements import BindParameter

from sanctum.db.types import UTCDateTime
from sanctum.domains.search.index import CANDIDATES, HALF_LIFE_DAYS, TextHit, TextKind, TextSearch


@dataclass(frozen=True, slots=True)
class KindSql:
    """How one kind's rows read: `t` is the searched table."""

    table: str
    container: str
    container_type: Any
    parent: str
    join: str
    scope: str
    findable: str
    attached: str  # `has:file`: the row has an attachment (comments take none)


KINDS: dict[TextKind, KindSql] = {
    "messages": KindSql(
        "messages", "t.room_id", Uuid(), "t.parent_id", "", "t.room_id IN :scope",
        "t.deleted_at IS NULL AND t.kind = 'user'", "EXISTS (SELECT 1 FROM files f WHERE f.message_id = t.id)",
    ),
    "posts": KindSql(
        "posts", "t.sanctum_id", Uuid(), "NULL", "", "(t.sanctum_id IS NULL OR t.sanctum_id IN :scope)", "1 = 1",
        "EXISTS (SELECT 1 FROM files f WHERE f.post_id = t.id)",
    ),
    "comments": KindSql(
        "comments", "t.post_id", Integer(), "t.parent_id", "JOIN posts p ON p.id = t.post_id",
        "(p.sanctum_id IS NULL OR p.sanctum_id IN :scope)", "1 = 1", "1 = 0",
    ),
}  # fmt: skip


def filters(kind: KindSql) -> str:
    """The conditions of `from:`, `before:`, `after:`, `has:link` and `has:file` (an attachment: a row
    of `files` naming the message or post, which the files domain keeps in the sending transaction)."""
    return f"""
    AND (:any_author = 0 OR t.author_id IN :authors)
    AND (:before IS NULL OR t.created_at < :before)
    AND (:after IS NULL OR t.created_at >= :after)
    AND (:has_link = 0 OR lower(t.body) LIKE '%http://%' OR lower(t.body) LIKE '%https://%')
    AND (:has_file = 0 OR {kind.attached})"""


AFTER_CURSOR = "(:after_score IS NULL OR score < :after_score OR (score = :after_score AND id < :after_id))"


def params() -> list[BindParameter[Any]]:
    """The typed parameters every text statement takes (dates bound as each dialect stores them)."""
    return [
        bindparam("scope", expanding=True, type_=Uuid()),
        bindparam("authors", expanding=True, type_=Uuid()),
        bindparam("any_author", type_=Integer()),
        bindparam("before", type_=UTCDateTime()),
        bindparam("after", type_=UTCDateTime()),
        bindparam("now", type_=UTCDateTime()),
        bindparam("has_link", type_=Integer()),
        bindparam("has_file", type_=Integer()),
        bindparam("after_score", type_=Float()),
        bindparam("after_id", type_=Integer()),
        bindparam("limit", type_=Integer()),
        bindparam("half_life", value=HALF_LIFE_DAYS, type_=Float()),
        bindparam("candidates", value=CANDIDATES, type_=Integer()),
    ]


def typed(statement: str, kind: KindSql, extra: list[BindParameter[Any]]) -> TextualSelect:
    return (
        text(statement)
        .bindparams(*params(), *extra)
        .columns(
            id=Integer(),
            container=kind.container_type,
            author_id=Uuid(),
            parent_id=Integer(),
            created_at=UTCDateTime(),
            edited_at=UTCDateTime(),
            score=Float(),
            snip=String(),
        )
    )


def values(search: TextSearch) -> dict[str, Any]:
    return {
        "scope": search.scope,
        "authors": search.authors or [],
        "any_author": int(search.authors is not None),
        "before": search.before,
        "after": search.after,
        "now": search.now,
        "has_link": int(search.has_link),
        "has_file": int(search.has_file),
        "after_score": search.after_score,
        "after_id": search.after_id,
        "limit": search.limit,
    }


def hits(rows: Any, snippets: dict[int, str] | None = None) -> list[TextHit]:
    return [
        TextHit(
            id=row.id,
            container=row.container,
            author_id=row.author_id,
            parent_id=row.parent_id,
            created_at=row.created_at,
            edited_at=row.edited_at,
            score=float(row.score),
            snippet=(snippets or {}).get(row.id, row.snip or ""),
        )
        for row in rows
    ]
