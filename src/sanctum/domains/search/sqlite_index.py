"""The index on SQLite: FTS5 tables (`<table>_fts`, external content, kept by triggers; migration 0026).

Two statements a page: the ranked ids (the newest `CANDIDATES` matches in scope, ranked by bm25 and
the row's age; filters, the cursor), then the
snippets of those ids only, since `snippet()` re-reads each row's text and a common word matches
thousands. The words go in as quoted FTS5 strings (`"word"`, the last one `"word"*`): the words
hold only letters and digits (query.py), so no query can reach FTS5's syntax.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String, TextClause, TextualSelect, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.domains.search.index import TextHit, TextKind, TextSearch, prefix_terms
from sanctum.domains.search.query import START, STOP
from sanctum.domains.search.statements import AFTER_CURSOR, KINDS, KindSql, filters, hits, typed, values

SNIPPET_TOKENS = 24


def _ranked(kind: KindSql) -> TextualSelect:
    fts = f"{kind.table}_fts"
    statement = f"""
SELECT id, container, author_id, parent_id, created_at, edited_at, score, NULL AS snip FROM (
  SELECT id, container, author_id, parent_id, created_at, edited_at,
         relevance / (1.0 + (julianday(:now) - julianday(created_at)) / :half_life) AS score
  FROM (
    SELECT t.id AS id, {kind.container} AS container, t.author_id AS author_id, {kind.parent} AS parent_id,
           t.created_at AS created_at, t.edited_at AS edited_at, -bm25({fts}) AS relevance
    FROM {fts} JOIN {kind.table} t ON t.id = {fts}.rowid {kind.join}
    WHERE {fts} MATCH :match AND {kind.scope} AND {kind.findable} {filters(kind)}
    ORDER BY {fts}.rowid DESC LIMIT :candidates
  )
) WHERE {AFTER_CURSOR}
ORDER BY score DESC, id DESC LIMIT :limit"""  # noqa: S608 - names are constants; values are bound
    return typed(statement, kind, [bindparam("match", type_=String())])


def _snippets(kind: KindSql) -> TextClause:
    fts = f"{kind.table}_fts"
    statement = f"""
SELECT rowid AS id, snippet({fts}, 0, :start, :stop, '…', {SNIPPET_TOKENS}) AS snip
FROM {fts} WHERE {fts} MATCH :match AND rowid IN :ids"""  # noqa: S608 - names are constants
    return text(statement).bindparams(
        bindparam("ids", expanding=True, type_=Integer()),
        bindparam("match", type_=String()),
        bindparam("start", value=START, type_=String()),
        bindparam("stop", value=STOP, type_=String()),
    )


_RANKED = {name: _ranked(kind) for name, kind in KINDS.items()}
_SNIPPETS = {name: _snippets(kind) for name, kind in KINDS.items()}


def match_expression(terms: list[str]) -> str:
    return " ".join(f'"{term}"*' if prefix else f'"{term}"' for term, prefix in prefix_terms(terms))


class SqliteIndex:
    async def search(self, db: AsyncSession, kind: TextKind, search: TextSearch) -> list[TextHit]:
        if not search.scope and kind == "messages":
            return []
        match = match_expression(search.terms)
        bound: dict[str, Any] = {**values(search), "match": match}
        rows = (await db.execute(_RANKED[kind], bound)).all()
        if not rows:
            return []
        found = await db.execute(_SNIPPETS[kind], {"ids": [row.id for row in rows], "match": match})
        return hits(rows, {row.id: row.snip for row in found})
