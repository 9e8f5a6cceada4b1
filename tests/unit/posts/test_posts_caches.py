"""Post topics and the home feed's cache key, without a database."""

from __future__ import annotations

import uuid

import pytest

from sanctum.cache import MemoryCache
from sanctum.domains.posts.caches import PostCaches
from sanctum.domains.posts.events import post_id_of


@pytest.mark.parametrize(
    ("topic", "expected"),
    [("post:42", 42), ("post:042", None), ("post:0", None), ("post:-1", None), ("post:4 2", None), ("post:٤٢", None)],
)
def test_only_the_canonical_spelling_of_a_post_topic_names_a_post(topic: str, expected: int | None) -> None:
    assert post_id_of(topic) == expected


async def test_a_feed_digest_moves_with_its_own_sanctums_profiles_and_friends_only() -> None:
    caches = PostCaches(MemoryCache())
    mine, other, friend = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    first = await caches.feed_digest([mine], [friend])
    await caches.posts_changed(other)
    unaffected = await caches.feed_digest([mine], [friend])
    await caches.posts_changed(mine)
    after_mine = await caches.feed_digest([mine], [friend])
    await caches.posts_changed(None)
    after_profile = await caches.feed_digest([mine], [friend])

    assert first == unaffected
    assert len({unaffected, after_mine, after_profile}) == 3
    assert await caches.feed_digest([mine], []) != after_profile  # a lost friend
    assert await caches.feed_digest([mine, other], [friend]) != after_profile  # a joined sanctum
