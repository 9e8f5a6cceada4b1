"""The index on PostgreSQL: GIN indexes on `to_tsvector('simple', body)` (migration 0026).

One statement a page: the newest `CANDIDATES` matching rows inside the scope, ranked by `ts_rank`
(which parses each text again) and the row's age, cut to the page, and only then `ts_headline` for
the page's rows. The condition repeats the index's expression and (for messages) its predicate word
for word, or the planner would not use it. The words go in as quoted tsquery lexemes (`'word'`, the
last one `'word':*`); they hold only letters and digits (query.py), so no query reaches tsquery's
syntax."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, TextualSelect, bindparam
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.domains.search.index import TextHit, TextKind, TextSearch, prefix_terms
from sanctum.domains.search.query import START, STOP
from sanctum.domains.search.statements import AFTER_CURSOR, KINDS, KindSql, filters, hits, typed, values

HEADLINE = f"StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=12, ShortWord=0, MaxFragments=1"


def _statement(kind: KindSql) -> TextualSelect:
    statement = f"""
WITH q AS (SELECT to_tsquery('simple', :match) AS query),
candidates AS (
  SELECT t.id AS id, {kind.container} AS container, t.author_id AS author_id, {kind.parent} AS parent_id,
         t.created_at AS created_at, t.edited_at AS edited_at, t.body AS body
  FROM {kind.table} t {kind.join} CROSS JOIN q
  WHERE to_tsvector('simple', t.body) @@ q.query AND {kind.scope} AND {kind.findable} {filters(kind)}
  ORDER BY t.id DESC LIMIT :candidates
),
ranked AS (
  SELECT c.*,
         CAST(ts_rank(to_tsvector('simple', c.body), q.query) AS double precision)
           / (1.0 + CAST(extract(epoch FROM (:now - c.created_at)) AS double precision) / 86400.0 / :half_life)
           AS score
  FROM candidates c CROSS JOIN q
),
page AS (SELECT * FROM ranked WHERE {AFTER_CURSOR} ORDER BY score DESC, id DESC LIMIT :limit)
SELECT id, container, author_id, parent_id, created_at, edited_at, score,
       ts_headline('simple', body, (SELECT query FROM q), :headline) AS snip
FROM page ORDER BY score DESC, id DESC"""  # noqa: S608 - names are constants; values are bound
    extra = [bindparam("match", type_=String()), bindparam("headline", value=HEADLINE, type_=String())]
    return typed(statement, kind, extra)


_STATEMENTS = {name: _statement(kind) for name, kind in KINDS.items()}


def tsquery(terms: list[str]) -> str:
    return " & ".join(f"'{term}':*" if prefix else f"'{term}'" for term, prefix in prefix_terms(terms))


class PostgresIndex:
    async def search(self, db: AsyncSession, kind: TextKind, search: TextSearch) -> list[TextHit]:
        if not search.scope and kind == "messages":
            return []
        bound: dict[str, Any] = {**values(search), "match": tsquery(search.terms)}
        return hits((await db.execute(_STATEMENTS[kind], bound)).all())
