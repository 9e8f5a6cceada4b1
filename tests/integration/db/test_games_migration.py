"""Migration 0007's delete rules on PostgreSQL, as source document 000 (PR-1) specifies them: a
deleted user's rooms keep going with NULL references, and their moves go with them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

pytestmark = pytest.mark.scaled_only

RULES = """
SELECT con.conname, con.confdeltype::text AS confdeltype, att.attnotnull
FROM pg_constraint con
JOIN pg_class rel ON rel.oid = con.conrelid
JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
WHERE con.contype = 'f' AND rel.relname IN ('game_rooms', 'game_seats', 'game_moves', 'game_ratings')
"""


async def test_game_foreign_keys_null_people_out_and_cascade_their_moves(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = {r.conname: (r.confdeltype, r.attnotnull) for r in await conn.execute(text(RULES))}
    finally:
        await engine.dispose()

    # confdeltype: n = SET NULL, c = CASCADE. A SET NULL column must be nullable.
    assert rows == {
        "fk_game_rooms_creator_id_users": ("n", False),
        "fk_game_rooms_opponent_id_users": ("n", False),
        "fk_game_rooms_winner_id_users": ("n", False),
        "fk_game_seats_user_id_users": ("n", False),
        "fk_game_seats_room_id_game_rooms": ("c", True),
        "fk_game_moves_user_id_users": ("c", False),
        "fk_game_moves_room_id_game_rooms": ("c", True),
        "fk_game_ratings_user_id_users": ("c", True),
    }
