"""The post-list caches: versioned keys, 2-minute TTLs, no wildcard deletes.

- a sanctum's posts: `sanctum_posts:{sanctum}:v{n}:{before}:{limit}`, 2 min; the sanctum's version is
  bumped on post create, edit and delete in it;
- a profile's posts: `profile_posts:{user}:{digest}:{before}:{limit}`, 2 min; the digest covers the
  global version (bumped on profile post create, edit and delete) and the version of each sanctum the
  viewer may read the author's posts in;
- a home feed: `feed:{user}:{digest}:{before}:{limit}`, 2 min; the digest covers the global version,
  the version of each of the user's sanctums (one MGET) and the user's sanctum and friend ids.

What is cached is which posts a page holds and their content. Counts and "liked by me" are read from
the database on every request and laid over the cached page, so they are never stale. A lost bump
(Redis down on another instance) leaves a page stale for at most its TTL.
"""

from __future__ import annotations

import hashlib
import uuid

from sanctum.cache import Cache, CachedJson
from sanctum.cache.local import InvalidationBus
from sanctum.domains.posts.schemas import PostPage

LIST_TTL = 120.0
GLOBAL = "posts:global"


def sanctum_version_name(sanctum_id: uuid.UUID) -> str:
    return f"posts:sanctum:{sanctum_id}"


class PostCaches:
    def __init__(self, cache: Cache, bus: InvalidationBus | None = None, ttl: float = LIST_TTL) -> None:
        self.cache = cache
        # Every key names its versions, so each instance may keep decoded pages too (cache/base.py).
        self.sanctum_posts = CachedJson(cache, "sanctum_posts", PostPage, ttl, near=bus)
        self.profile_posts = CachedJson(cache, "profile_posts", PostPage, ttl, near=bus)
        self.feed = CachedJson(cache, "feed", PostPage, ttl, near=bus)

    async def sanctum_version(self, sanctum_id: uuid.UUID) -> int:
        return await self.cache.get_version(sanctum_version_name(sanctum_id))

    async def global_version(self) -> int:
        return await self.cache.get_version(GLOBAL)

    async def feed_digest(self, sanctum_ids: list[uuid.UUID], friend_ids: list[uuid.UUID]) -> str:
        """Changes whenever anything a feed is built from changes: a post in one of the sanctums, a
        profile post, joining or leaving a sanctum, a new or lost friend."""
        sanctums = sorted(sanctum_ids)
        versions = await self.cache.get_versions([GLOBAL, *(sanctum_version_name(s) for s in sanctums)])
        parts = [f"g{versions[0]}", *(f"{s}={v}" for s, v in zip(sanctums, versions[1:], strict=True))]
        parts.append("f" + ",".join(str(f) for f in sorted(friend_ids)))
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

    async def posts_changed(self, sanctum_id: uuid.UUID | None) -> None:
        """A post was created, edited or deleted: move the version its lists are keyed by."""
        await self.cache.bump_version(sanctum_version_name(sanctum_id) if sanctum_id is not None else GLOBAL)
