"""The post lists: the home feed, a sanctum's posts and a profile's posts, newest first.

Pages are keyed by the id of the last post (`before`), so a page never shifts when newer posts
arrive. Each list is cached for 2 minutes under a versioned key (caches.py); counts and "liked by
me" are laid over the cached page fresh on every read. Each read is one reader session.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.database import Database
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.friends.service import FriendService
from sanctum.domains.posts.caches import PostCaches
from sanctum.domains.posts.models import Post
from sanctum.domains.posts.repository import PostRepository
from sanctum.domains.posts.schemas import PostPage, PostRead
from sanctum.domains.posts.service import PostService
from sanctum.domains.sanctums.service import SanctumService


class FeedService:
    def __init__(
        self,
        db: Database,
        posts: PostService,
        caches: PostCaches,
        accounts: AccountService,
        sanctums: SanctumService,
        friends: FriendService,
    ) -> None:
        self._db = db
        self._posts = posts
        self._caches = caches
        self._accounts = accounts
        self._sanctums = sanctums
        self._friends = friends
        self._repo = PostRepository()

    async def _page(self, db: AsyncSession, found: list[Post], limit: int) -> PostPage:
        page = found[:limit]
        more = len(found) > limit
        return PostPage(items=await self._posts.content(db, page), next_before=page[-1].id if more and page else None)

    async def _fresh(self, db: AsyncSession, page: PostPage, actor: Actor) -> PostPage:
        return PostPage(items=await self._posts.with_counts(db, page.items, actor.id), next_before=page.next_before)

    async def from_my_sanctums(self, db: AsyncSession, user_id: uuid.UUID, limit: int) -> list[PostRead]:
        """For Home, in the caller's session: the newest posts others made in the caller's sanctums."""
        sanctum_ids = await self._sanctums.sanctum_ids_of(db, user_id)
        found = await self._repo.feed(db, sanctum_ids, [], None, limit * 3)
        others = [p for p in found if p.author_id != user_id][:limit]
        return await self._posts.with_counts(db, await self._posts.content(db, others), user_id)

    async def home(self, actor: Actor, before: int | None, limit: int) -> PostPage:
        """Posts in the caller's sanctums, and profile posts of the caller and their friends."""
        async with self._db.reader() as db:
            # Memberships and friendships are read fresh: losing access takes effect on the next request.
            sanctum_ids = await self._sanctums.sanctum_ids_of(db, actor.id)
            friend_ids = await self._friends.friend_ids(db, actor.id)
            digest = await self._caches.feed_digest(sanctum_ids, friend_ids)
            key = self._caches.feed.key(actor.id, digest, before or "", limit)

            async def load() -> PostPage:
                found = await self._repo.feed(db, sanctum_ids, [actor.id, *friend_ids], before, limit + 1)
                return await self._page(db, found, limit)

            return await self._fresh(db, await self._caches.feed.get_or_load(key, load), actor)

    async def sanctum(self, actor: Actor, slug: str, before: int | None, limit: int) -> PostPage:
        async with self._db.reader() as db:
            sanctum = (await self._sanctums.access(db, actor.id, slug)).sanctum
            version = await self._caches.sanctum_version(sanctum.id)
            key = self._caches.sanctum_posts.key(sanctum.id, f"v{version}", before or "", limit)

            async def load() -> PostPage:
                found = await self._repo.sanctum_posts(db, sanctum.id, before, limit + 1)
                return await self._page(db, found, limit)

            return await self._fresh(db, await self._caches.sanctum_posts.get_or_load(key, load), actor)

    async def profile(self, actor: Actor, username: str, before: int | None, limit: int) -> PostPage:
        """The author's profile posts and their posts in the sanctums the caller may read (public ones,
        and private ones the caller is in)."""
        async with self._db.reader() as db:
            author = await self._accounts.public_profile(db, username)
            posted_in = await self._repo.author_sanctum_ids(db, author.id)
            refs = await self._sanctums.refs(db, posted_in)
            mine = set(await self._sanctums.sanctum_ids_of(db, actor.id)) if refs else set()
            visible = sorted(s for s, ref in refs.items() if ref.visibility == "public" or s in mine)
            # Viewers who may read the same sanctums share the cached page.
            digest = await self._caches.feed_digest(visible, [])
            key = self._caches.profile_posts.key(author.id, digest, before or "", limit)

            async def load() -> PostPage:
                found = await self._repo.profile_posts(db, author.id, visible, before, limit + 1)
                return await self._page(db, found, limit)

            return await self._fresh(db, await self._caches.profile_posts.get_or_load(key, load), actor)
