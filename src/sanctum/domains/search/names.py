"""Sanctums and rooms by name: every word of the query inside the name or the description (topic).

These tables hold one row per community or room, not per message, so a LIKE over the visible rows
is cheap at any size this product reaches and needs no index of its own; ordered by name, then id,
with a `NameCursor`. LIKE's wildcards in a word cannot occur (words are letters and digits only).
Visibility is the caller's: public sanctums and rooms, or those they belong to (ids from the
sanctums and chat services); DMs have no name and are never listed here.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, TextualSelect, Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.domains.search.query import MAX_TERMS

_SANCTUMS = """
SELECT id, slug, name, description FROM sanctums
WHERE (visibility = 'public' OR id IN :mine) AND {words}
  AND (:after_name IS NULL OR name > :after_name OR (name = :after_name AND id > :after_id))
ORDER BY name, id LIMIT :limit"""
_ROOMS = """
SELECT id, name, kind, topic FROM rooms
WHERE kind != 'dm' AND (kind = 'public' OR id IN :mine) AND {words}
  AND (:after_name IS NULL OR name > :after_name OR (name = :after_name AND id > :after_id))
ORDER BY name, id LIMIT :limit"""


def _built(template: str, text_of: str, columns: tuple[str, ...], count: int) -> TextualSelect:
    words = " AND ".join(f"lower({text_of}) LIKE :w{i}" for i in range(count))
    return (
        text(template.format(words=words))
        .bindparams(
            bindparam("mine", expanding=True, type_=Uuid()),
            bindparam("after_name", type_=String()),
            bindparam("after_id", type_=Uuid()),
            *(bindparam(f"w{i}", type_=String()) for i in range(count)),
        )
        .columns(id=Uuid(), **{name: String() for name in columns})
    )


# One statement per number of words, built once.
_COUNTS = range(1, MAX_TERMS + 1)
_BY_COUNT = {
    "sanctums": {
        n: _built(_SANCTUMS, "name || ' ' || description", ("slug", "name", "description"), n) for n in _COUNTS
    },
    "rooms": {n: _built(_ROOMS, "name || ' ' || topic", ("name", "kind", "topic"), n) for n in _COUNTS},
}


async def find(
    db: AsyncSession,
    kind: str,
    terms: list[str],
    mine: list[uuid.UUID],
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> list[Any]:
    values: dict[str, Any] = {f"w{i}": f"%{term}%" for i, term in enumerate(terms)}
    values.update(mine=mine, after_name=after[0] if after else None, after_id=after[1] if after else None, limit=limit)
    return list((await db.execute(_BY_COUNT[kind][len(terms)], values)).all())
