"""Full-text search over messages, posts and comments (domains/search, docs/search.md).

PostgreSQL: a GIN index on `to_tsvector('simple', body)` per table (the messages' one only over what
search may find: user messages not deleted), so nothing is stored beside the rows and a write keeps
the index current in its own transaction. SQLite: an FTS5 table per table, external content (the
text stays in the row, the FTS table holds the index), kept current by triggers in the writing
transaction; a deleted message leaves the index when `deleted_at` is set.

Revision ID: 0026
Revises: 0028 (after main's head when merged; first written on 0022)
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FINDABLE_MESSAGE = "deleted_at IS NULL AND kind = 'user'"
# The same rule about the row a trigger sees (`old` or `new`).
FINDABLE_ROW = "{row}.deleted_at IS NULL AND {row}.kind = 'user'"


def _sqlite_index(table: str, findable: str | None) -> list[str]:
    """The FTS5 table of `table`'s body and the triggers that keep it current (`findable`: which rows,
    about `{row}`). One update trigger runs both steps in order: the old text leaves, the new comes in."""
    fts = f"{table}_fts"

    def only(row: str) -> str:
        return f" WHERE {findable.format(row=row)}" if findable else ""

    add = f"INSERT INTO {fts}(rowid, body) SELECT new.id, new.body{only('new')};"
    remove = f"INSERT INTO {fts}({fts}, rowid, body) SELECT 'delete', old.id, old.body{only('old')};"
    columns = "body, deleted_at, kind" if findable else "body"
    where = f" WHERE {FINDABLE_MESSAGE}" if findable else ""
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(body, content='{table}', content_rowid='id')",
        f"INSERT INTO {fts}(rowid, body) SELECT id, body FROM {table}{where}",  # noqa: S608 - constant names
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table} BEGIN {remove} {add} END",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_messages_search ON messages USING gin (to_tsvector('simple', body)) "
            f"WHERE {FINDABLE_MESSAGE}"
        )
        op.execute("CREATE INDEX ix_posts_search ON posts USING gin (to_tsvector('simple', body))")
        op.execute("CREATE INDEX ix_comments_search ON comments USING gin (to_tsvector('simple', body))")
        return
    for table, findable in (("messages", FINDABLE_ROW), ("posts", None), ("comments", None)):
        for statement in _sqlite_index(table, findable):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("ix_messages_search", "ix_posts_search", "ix_comments_search"):
            op.execute(f"DROP INDEX {name}")
        return
    for table in ("messages", "posts", "comments"):
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER {table}_fts_{suffix}")
        op.execute(f"DROP TABLE {table}_fts")
