"""The index implementation for the database in use (the composition root asks for it by dialect)."""

from __future__ import annotations

from sanctum.domains.search.index import SearchIndex
from sanctum.domains.search.postgres_index import PostgresIndex
from sanctum.domains.search.sqlite_index import SqliteIndex


def index_for(dialect: str) -> SearchIndex:
    return PostgresIndex() if dialect == "postgresql" else SqliteIndex()
