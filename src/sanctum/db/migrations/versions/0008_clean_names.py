"""Clean stored names that break the text policy (docs/text.md): display names, room names, sanctum
names and game seat names written before it may hold bidi controls, zero-width or other invisible
characters. Each is rewritten as `sanctum.core.text.clean_name` makes it (the refused characters
removed, NFC, spaces collapsed and trimmed); a name left empty falls back to the username, the
sanctum's slug, the sanctum's name (its main room) or a plain default. Every change is logged with the
row and the code points removed. Only rows that change are written, so running it again changes nothing.

Names that break the policy in ways removal cannot fix (a word mixing scripts, too many combining marks)
are left as they are: changing the letters would rename someone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
import structlog
from alembic import op

from sanctum.core.text import clean_name

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
log = structlog.get_logger("sanctum.migrations")

users = sa.table("users", sa.column("id", sa.Uuid()), sa.column("username"), sa.column("display_name"))
sanctums = sa.table("sanctums", sa.column("id", sa.Uuid()), sa.column("slug"), sa.column("name"))
rooms = sa.table(
    "rooms", sa.column("id", sa.Uuid()), sa.column("kind"), sa.column("name"), sa.column("sanctum_id", sa.Uuid())
)
seats = sa.table(
    "game_seats",
    sa.column("room_id", sa.Uuid()),
    sa.column("seat", sa.Integer()),
    sa.column("user_id", sa.Uuid()),
    sa.column("name"),
)


def cleaned(name: str, limit: int) -> tuple[str, list[str]]:
    """`clean_name` until it is stable, within the column's length."""
    text, removed = clean_name(name)
    while True:
        again, more = clean_name(text[:limit])
        if again == text:
            return text, removed
        text, removed = again, removed + more


def rows(conn: sa.Connection, query: sa.Select[Any], key: sa.ColumnElement[Any]) -> Iterator[sa.Row[Any]]:
    """Every row of `query` in batches, ordered by `key` (keyset pagination)."""
    after = None
    while True:
        page = query.order_by(key).limit(BATCH)
        if after is not None:
            page = page.where(key > after)
        batch = conn.execute(page).all()
        yield from batch
        if len(batch) < BATCH:
            return
        after = batch[-1]._mapping[key.name]


def upgrade() -> None:
    conn = op.get_bind()
    for user in rows(conn, sa.select(users.c.id, users.c.username, users.c.display_name), users.c.id):
        where = users.c.id == user.id
        _fix(conn, users.c.display_name, where, user.id, user.display_name, 64, user.username)

    sanctum_names: dict[Any, str] = {}
    for sanctum in rows(conn, sa.select(sanctums.c.id, sanctums.c.slug, sanctums.c.name), sanctums.c.id):
        where = sanctums.c.id == sanctum.id
        sanctum_names[sanctum.id] = _fix(conn, sanctums.c.name, where, sanctum.id, sanctum.name, 80, sanctum.slug)

    query = sa.select(rooms.c.id, rooms.c.kind, rooms.c.name, rooms.c.sanctum_id).where(rooms.c.kind != "dm")
    for room in rows(conn, query, rooms.c.id):
        default = sanctum_names.get(room.sanctum_id) or ("Group chat" if room.kind == "group" else "Unnamed room")
        _fix(conn, rooms.c.name, rooms.c.id == room.id, room.id, room.name, 80, default)

    query = sa.select(seats.c.room_id, seats.c.seat, seats.c.name, users.c.username).outerjoin(
        users, users.c.id == seats.c.user_id
    )
    for seat in conn.execute(query).all():
        where = sa.and_(seats.c.room_id == seat.room_id, seats.c.seat == seat.seat)
        _fix(conn, seats.c.name, where, f"{seat.room_id}:{seat.seat}", seat.name, 80, seat.username or "Player")


def _fix(
    conn: sa.Connection,
    column: sa.ColumnClause[Any],
    where: sa.ColumnElement[bool],
    row: object,
    name: str,
    limit: int,
    default: str,
) -> str:
    """Write the cleaned `name` (or `default` when nothing is left) if it differs; returns the name kept."""
    new, removed = cleaned(name, limit)
    if new == name:
        return name
    new = new or default[:limit]
    table = column.table
    assert isinstance(table, sa.TableClause)
    conn.execute(sa.update(table).where(where).values({column.name: new}))
    log.info(
        "name_cleaned", table=table.name, column=column.name, row=str(row), removed=removed, before=name, after=new
    )
    return new


def downgrade() -> None:
    # The removed characters are not kept anywhere: there is nothing to restore.
    pass
