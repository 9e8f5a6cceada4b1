"""Migration 0008 on SQLite and PostgreSQL: names stored before the text policy lose their bidi
controls and invisible characters, an emptied name falls back, each change is logged, and a second
run changes nothing."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from structlog.testing import capture_logs

from sanctum.core.clock import utcnow
from sanctum.db.migrate import alembic_config
from sanctum.db.types import UTCDateTime

users = sa.table(
    "users",
    sa.column("id", sa.Uuid()),
    sa.column("username"),
    sa.column("email"),
    sa.column("password_hash"),
    sa.column("display_name"),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
sanctums = sa.table(
    "sanctums",
    sa.column("id", sa.Uuid()),
    sa.column("slug"),
    sa.column("name"),
    sa.column("visibility"),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
rooms = sa.table(
    "rooms",
    sa.column("id", sa.Uuid()),
    sa.column("kind"),
    sa.column("name"),
    sa.column("sanctum_id", sa.Uuid()),
    sa.column("last_activity_at", UTCDateTime()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
game_rooms = sa.table(
    "game_rooms",
    sa.column("id", sa.Uuid()),
    sa.column("game"),
    sa.column("options", sa.JSON()),
    sa.column("state", sa.JSON()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
seats = sa.table(
    "game_seats",
    sa.column("room_id", sa.Uuid()),
    sa.column("seat", sa.Integer()),
    sa.column("player_id"),
    sa.column("user_id", sa.Uuid()),
    sa.column("name"),
    sa.column("joined_at", UTCDateTime()),
)

ALICE, BOB, CAROL = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
CIRCLE, EMPTY_SANCTUM = uuid.uuid4(), uuid.uuid4()
LOUNGE, GROUP, MAIN_ROOM, DM = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
GAME = uuid.uuid4()


async def _upgrade(url: str, revision: str) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(url), revision)


async def _downgrade(url: str, revision: str) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(url), revision)


async def _insert(url: str) -> None:
    now = utcnow()
    stamps = {"created_at": now, "updated_at": now}

    def person(id_: uuid.UUID, username: str, display_name: str) -> dict[str, Any]:
        return {
            "id": id_,
            "username": username,
            "email": f"{username}@example.com",
            "password_hash": "x",
            "display_name": display_name,
            **stamps,
        }

    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                users.insert(),
                [
                    person(ALICE, "alice", "adm\u202eni"),
                    person(BOB, "bob", "\u3164\u3164"),
                    person(CAROL, "carol", "Carol 👩\u200d💻 🏳️\u200d🌈"),
                ],
            )
            await conn.execute(
                sanctums.insert(),
                [
                    {"id": CIRCLE, "slug": "circle", "name": "The\u200b Circle", "visibility": "public", **stamps},
                    {"id": EMPTY_SANCTUM, "slug": "blank", "name": "\u2066\u2069", "visibility": "public", **stamps},
                ],
            )
            await conn.execute(
                rooms.insert(),
                [
                    {
                        "id": LOUNGE,
                        "kind": "public",
                        "name": "Lounge\u00ad\u2067",
                        "sanctum_id": None,
                        "last_activity_at": now,
                        **stamps,
                    },
                    {
                        "id": GROUP,
                        "kind": "group",
                        "name": "\ufeff",
                        "sanctum_id": None,
                        "last_activity_at": now,
                        **stamps,
                    },
                    {
                        "id": MAIN_ROOM,
                        "kind": "public",
                        "name": "\u2800",
                        "sanctum_id": EMPTY_SANCTUM,
                        "last_activity_at": now,
                        **stamps,
                    },
                    {"id": DM, "kind": "dm", "name": "", "sanctum_id": None, "last_activity_at": now, **stamps},
                ],
            )
            await conn.execute(
                game_rooms.insert(), [{"id": GAME, "game": "connect_four", "options": {}, "state": {}, **stamps}]
            )
            await conn.execute(
                seats.insert(),
                [
                    {
                        "room_id": GAME,
                        "seat": 0,
                        "player_id": str(BOB),
                        "user_id": BOB,
                        "name": "\u3164\u3164",
                        "joined_at": now,
                    },
                    {
                        "room_id": GAME,
                        "seat": 1,
                        "player_id": "bot",
                        "user_id": None,
                        "name": "Bot\u200e",
                        "joined_at": now,
                    },
                ],
            )
    finally:
        await engine.dispose()


async def _pairs(conn: AsyncConnection, query: sa.Select[Any]) -> dict[Any, str]:
    return {key: value for key, value in (await conn.execute(query)).all()}


async def _names(url: str) -> dict[str, dict[Any, str]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return {
                "users": await _pairs(conn, sa.select(users.c.id, users.c.display_name)),
                "sanctums": await _pairs(conn, sa.select(sanctums.c.id, sanctums.c.name)),
                "rooms": await _pairs(conn, sa.select(rooms.c.id, rooms.c.name)),
                "seats": await _pairs(conn, sa.select(seats.c.seat, seats.c.name)),
            }
    finally:
        await engine.dispose()


async def test_stored_names_lose_bidi_and_invisible_characters_fall_back_when_empty_and_a_rerun_changes_nothing(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite+aiosqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    await _upgrade(url, "0007")
    await _insert(url)

    with capture_logs() as first_run:
        await _upgrade(url, "0008")
    names = await _names(url)

    assert names == {
        "users": {ALICE: "admni", BOB: "bob", CAROL: "Carol 👩\u200d💻 🏳️\u200d🌈"},
        "sanctums": {CIRCLE: "The Circle", EMPTY_SANCTUM: "blank"},
        "rooms": {LOUNGE: "Lounge", GROUP: "Group chat", MAIN_ROOM: "blank", DM: ""},
        "seats": {0: "bob", 1: "Bot"},
    }
    changes = [entry for entry in first_run if entry["event"] == "name_cleaned"]
    assert {(c["table"], c["row"]) for c in changes} == {
        ("users", str(ALICE)),
        ("users", str(BOB)),
        ("sanctums", str(CIRCLE)),
        ("sanctums", str(EMPTY_SANCTUM)),
        ("rooms", str(LOUNGE)),
        ("rooms", str(GROUP)),
        ("rooms", str(MAIN_ROOM)),
        ("game_seats", f"{GAME}:0"),
        ("game_seats", f"{GAME}:1"),
    }
    alice = next(c for c in changes if c["row"] == str(ALICE))
    assert alice["removed"] == ["U+202E RIGHT-TO-LEFT OVERRIDE"] and alice["after"] == "admni"

    await _downgrade(url, "0007")
    with capture_logs() as second_run:
        await _upgrade(url, "0008")

    assert await _names(url) == names
    assert [entry for entry in second_run if entry["event"] == "name_cleaned"] == []
