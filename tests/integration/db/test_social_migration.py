"""Migration 0006 on PostgreSQL: each foreign key's delete rule, and the one-room-per-sanctum index."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

pytestmark = pytest.mark.scaled_only

# What deleting the referenced row does: c = CASCADE, n = SET NULL (pg_constraint.confdeltype).
EXPECTED_DELETE_RULES = {
    "fk_rooms_sanctum_id_sanctums": "c",
    "fk_sanctums_created_by_users": "n",
    "fk_sanctum_members_sanctum_id_sanctums": "c",
    "fk_sanctum_members_user_id_users": "c",
    "fk_posts_sanctum_id_sanctums": "c",
    "fk_posts_author_id_users": "n",
    "fk_comments_post_id_posts": "c",
    "fk_comments_parent_id_comments": "c",
    "fk_comments_author_id_users": "n",
    "fk_post_likes_post_id_posts": "c",
    "fk_post_likes_user_id_users": "c",
    "fk_comment_likes_comment_id_comments": "c",
    "fk_comment_likes_user_id_users": "c",
    "fk_friendships_user_low_users": "c",
    "fk_friendships_user_high_users": "c",
    "fk_friendships_requested_by_users": "c",
    # Chat's rules, which account deletion relies on as well.
    "fk_messages_author_id_users": "n",
    "fk_room_members_user_id_users": "c",
}

SOCIAL_TABLES = ("sanctums", "sanctum_members", "posts", "comments", "post_likes", "comment_likes", "friendships")


async def test_every_social_foreign_key_has_its_deliberate_delete_rule_and_a_sanctum_has_one_room(
    database_url: str,
) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rules = dict(
                (
                    await conn.execute(
                        text(
                            "SELECT conname, confdeltype::text FROM pg_constraint WHERE contype = 'f' "
                            "AND conrelid::regclass::text = ANY(:tables)"
                        ),
                        {"tables": [*SOCIAL_TABLES, "rooms", "messages", "room_members"]},
                    )
                ).all()
            )
            index = (
                await conn.execute(
                    text(
                        "SELECT i.indisunique, a.attname FROM pg_index i "
                        "JOIN pg_class c ON c.oid = i.indexrelid "
                        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                        "WHERE c.relname = 'uq_rooms_sanctum_id'"
                    )
                )
            ).all()
            sanctum_fk_target = (
                await conn.execute(
                    text(
                        "SELECT confrelid::regclass::text FROM pg_constraint "
                        "WHERE conname = 'fk_rooms_sanctum_id_sanctums'"
                    )
                )
            ).scalar_one()
    finally:
        await engine.dispose()

    assert {name: rules.get(name) for name in EXPECTED_DELETE_RULES} == EXPECTED_DELETE_RULES
    social = {name for name in rules if any(name.startswith(f"fk_{t}_") for t in SOCIAL_TABLES)}
    assert social <= EXPECTED_DELETE_RULES.keys(), f"a foreign key without a checked delete rule: {social}"
    assert [tuple(row) for row in index] == [(True, "sanctum_id")]
    assert sanctum_fk_target == "sanctums"
