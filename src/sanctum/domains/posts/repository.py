"""Every query of the posts domain; no commits.

The hot paths and their indexes (EXPLAIN plans in docs/social.md):
- a sanctum's posts: posts (sanctum_id, id), newest first;
- a profile's posts: posts (author_id, id), newest first, profile posts only;
- the home feed: the newest `limit` of each of the user's sanctums (posts (sanctum_id, id)) and of
  the profile posts of the user and their friends, merged: each branch reads at most `limit` index
  entries, so a page costs the same however many posts the sources hold. (The plain OR of the two
  conditions let SQLite collect every matching row and sort them: 1 ms against 0.2 ms at 10,000
  posts, and growing with the table.)
- counts: one statement per page: likes by primary key range, comments by (post_id, id), and the
  viewer's like by primary key, as correlated subqueries;
- a post's comments: comments (post_id, id); replies: comments (parent_id, id).
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    Uuid,
    and_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.dialect import affected, insert_for
from sanctum.domains.posts.models import Comment, CommentLike, Post, PostLike

# Beyond this many sanctums in one feed, the feed falls back to one OR query (SQLite allows 500 terms
# in a compound SELECT).
MAX_FEED_BRANCHES = 200

SelectT = TypeVar("SelectT", bound=Select[Any])


def _page(query: SelectT, before: int | None, limit: int) -> SelectT:
    if before is not None:
        query = query.where(Post.id < before)
    return query.order_by(Post.id.desc()).limit(limit)


@functools.lru_cache(maxsize=4 * MAX_FEED_BRANCHES)
def _merged_feed(sanctums: int, profile: bool, before: bool) -> Select[Post]:
    """The feed as a union of bounded ranges, one per sanctum (`s0`, `s1`, ...) and one for the profile
    posts of `authors`, under `before`, `limit` each. Built once per shape: building the statement
    cost more than running it."""
    conditions: list[ColumnElement[bool]] = [Post.sanctum_id == bindparam(f"s{n}", type_=Uuid) for n in range(sanctums)]
    if profile:
        authors = bindparam("authors", type_=Uuid, expanding=True)
        conditions.append(and_(Post.sanctum_id.is_(None), Post.author_id.in_(authors)))
    cursor = bindparam("before", type_=BigInteger)
    limit = bindparam("limit", type_=Integer)
    branches = []
    for condition in conditions:
        branch = select(Post.id).where(condition)
        if before:
            branch = branch.where(Post.id < cursor)
        branches.append(branch.order_by(Post.id.desc()).limit(limit).subquery())
    newest = union_all(*(select(b.c.id) for b in branches))
    query = select(Post).where(Post.id.in_(newest))
    if before:
        # PostgreSQL merges the union with a backward scan of the primary key: without this bound the
        # scan starts at the newest post, and a deep cursor read most of the table (4 ms at 10,000
        # posts for the page below post 200; 0.3 ms with it). bench/feed.py --explain shows the plan.
        query = query.where(Post.id < cursor)
    return query.order_by(Post.id.desc()).limit(limit)


def feed_statement(
    sanctum_ids: list[uuid.UUID], author_ids: list[uuid.UUID], before: int | None, limit: int
) -> tuple[Select[Any], dict[str, Any]]:
    """The home feed's query and its parameters (bench/feed.py --explain shows its plan)."""
    if len(sanctum_ids) > MAX_FEED_BRANCHES:
        sources: list[ColumnElement[bool]] = [Post.sanctum_id.in_(sanctum_ids)]
        if author_ids:
            sources.append(and_(Post.sanctum_id.is_(None), Post.author_id.in_(author_ids)))
        return _page(select(Post).where(or_(*sources)), before, limit), {}
    query = _merged_feed(len(sanctum_ids), bool(author_ids), before is not None)
    params: dict[str, Any] = {f"s{n}": s for n, s in enumerate(sanctum_ids)}
    return query, params | {"authors": author_ids, "before": before, "limit": limit}


@dataclass(frozen=True)
class PostCounts:
    likes: int
    comments: int
    liked_by_viewer: bool


# Built once: on hot paths building a statement costs more than running it. Likes, comments and
# whether the viewer liked it, for each post of a page.
_COUNTS = select(
    Post.id,
    select(func.count()).where(PostLike.post_id == Post.id).scalar_subquery(),
    select(func.count()).where(Comment.post_id == Post.id).scalar_subquery(),
    exists().where(PostLike.post_id == Post.id, PostLike.user_id == bindparam("viewer")),
).where(Post.id.in_(bindparam("ids", expanding=True)))


class PostRepository:
    # -- posts --------------------------------------------------------------------------------

    async def post(self, db: AsyncSession, post_id: int) -> Post | None:
        return await db.get(Post, post_id)

    async def post_for_update(self, db: AsyncSession, post_id: int) -> Post | None:
        """The post, locked until commit: every change under a post (likes, comments) takes this lock
        first, so the counts its events carry are computed in commit order."""
        return (await db.execute(select(Post).where(Post.id == post_id).with_for_update())).scalar_one_or_none()

    async def sanctum_posts(
        self, db: AsyncSession, sanctum_id: uuid.UUID, before: int | None, limit: int
    ) -> list[Post]:
        return list(
            (await db.execute(_page(select(Post).where(Post.sanctum_id == sanctum_id), before, limit))).scalars()
        )

    async def profile_posts(
        self, db: AsyncSession, author_id: uuid.UUID, sanctum_ids: list[uuid.UUID], before: int | None, limit: int
    ) -> list[Post]:
        """The author's profile posts, and their posts in these sanctums."""
        where: ColumnElement[bool] = Post.sanctum_id.is_(None)
        if sanctum_ids:
            where = or_(where, Post.sanctum_id.in_(sanctum_ids))
        query = select(Post).where(Post.author_id == author_id, where)
        return list((await db.execute(_page(query, before, limit))).scalars())

    async def author_sanctum_ids(self, db: AsyncSession, author_id: uuid.UUID, limit: int = 500) -> list[uuid.UUID]:
        """The sanctums the author has posted in."""
        query = select(Post.sanctum_id).where(Post.author_id == author_id, Post.sanctum_id.is_not(None)).distinct()
        return [s for s in (await db.execute(query.limit(limit))).scalars() if s is not None]

    async def feed(
        self,
        db: AsyncSession,
        sanctum_ids: list[uuid.UUID],
        author_ids: list[uuid.UUID],
        before: int | None,
        limit: int,
    ) -> list[Post]:
        """Posts in these sanctums, and profile posts of these authors, newest first."""
        if not sanctum_ids and not author_ids:
            return []
        query, params = feed_statement(sanctum_ids, author_ids, before, limit)
        return list((await db.execute(query, params)).scalars())

    async def counts(self, db: AsyncSession, post_ids: list[int], viewer: uuid.UUID) -> dict[int, PostCounts]:
        """Likes, comments and whether `viewer` liked it, for each of these posts, in one statement."""
        if not post_ids:
            return {}
        rows = (await db.execute(_COUNTS, {"ids": post_ids, "viewer": viewer})).all()
        return {int(row[0]): PostCounts(int(row[1]), int(row[2]), bool(row[3])) for row in rows}

    async def like_counts(self, db: AsyncSession, post_ids: list[int]) -> dict[int, int]:
        if not post_ids:
            return {}
        query = select(PostLike.post_id, func.count()).where(PostLike.post_id.in_(post_ids)).group_by(PostLike.post_id)
        return {int(row[0]): int(row[1]) for row in (await db.execute(query)).all()}

    async def comment_counts(self, db: AsyncSession, post_ids: list[int]) -> dict[int, int]:
        if not post_ids:
            return {}
        query = select(Comment.post_id, func.count()).where(Comment.post_id.in_(post_ids)).group_by(Comment.post_id)
        return {int(row[0]): int(row[1]) for row in (await db.execute(query)).all()}

    async def like_post(self, db: AsyncSession, post_id: int, user_id: uuid.UUID, at: datetime) -> bool:
        """True if this like is new; a repeated or concurrent identical like inserts nothing."""
        stmt = (
            insert_for(db, PostLike)
            .values(post_id=post_id, user_id=user_id, created_at=at)
            .on_conflict_do_nothing(index_elements=[PostLike.post_id, PostLike.user_id])
        )
        return bool(affected(await db.execute(stmt)))

    async def unlike_post(self, db: AsyncSession, post_id: int, user_id: uuid.UUID) -> bool:
        result = await db.execute(delete(PostLike).where(PostLike.post_id == post_id, PostLike.user_id == user_id))
        return bool(affected(result))

    async def post_by_client_id(self, db: AsyncSession, author_id: uuid.UUID, client_id: str) -> Post | None:
        query = select(Post).where(Post.author_id == author_id, Post.client_id == client_id)
        return (await db.execute(query)).scalar_one_or_none()

    # -- comments -----------------------------------------------------------------------------

    async def comment_by_client_id(
        self, db: AsyncSession, post_id: int, author_id: uuid.UUID, client_id: str
    ) -> Comment | None:
        query = select(Comment).where(
            Comment.post_id == post_id, Comment.author_id == author_id, Comment.client_id == client_id
        )
        return (await db.execute(query)).scalar_one_or_none()

    async def comment(self, db: AsyncSession, comment_id: int) -> Comment | None:
        return await db.get(Comment, comment_id)

    async def top_level(self, db: AsyncSession, post_id: int, after: int | None, limit: int) -> list[Comment]:
        query = select(Comment).where(Comment.post_id == post_id, Comment.parent_id.is_(None))
        if after is not None:
            query = query.where(Comment.id > after)
        return list((await db.execute(query.order_by(Comment.id).limit(limit))).scalars())

    async def replies(self, db: AsyncSession, parent_ids: list[int], per_parent: int) -> dict[int, list[Comment]]:
        if not parent_ids:
            return {}
        ranked = (
            select(Comment, func.row_number().over(partition_by=Comment.parent_id, order_by=Comment.id).label("n"))
            .where(Comment.parent_id.in_(parent_ids))
            .subquery()
        )
        query = select(Comment).join(ranked, ranked.c.id == Comment.id).where(ranked.c.n <= per_parent)
        out: dict[int, list[Comment]] = defaultdict(list)
        for reply in (await db.execute(query.order_by(Comment.id))).scalars():
            out[int(reply.parent_id or 0)].append(reply)
        return out

    async def reply_counts(self, db: AsyncSession, parent_ids: list[int]) -> dict[int, int]:
        if not parent_ids:
            return {}
        query = (
            select(Comment.parent_id, func.count()).where(Comment.parent_id.in_(parent_ids)).group_by(Comment.parent_id)
        )
        return {int(row[0] or 0): int(row[1]) for row in (await db.execute(query)).all()}

    async def comment_like_counts(self, db: AsyncSession, comment_ids: Iterable[int]) -> dict[int, int]:
        wanted = list(comment_ids)
        if not wanted:
            return {}
        query = (
            select(CommentLike.comment_id, func.count())
            .where(CommentLike.comment_id.in_(wanted))
            .group_by(CommentLike.comment_id)
        )
        return {int(row[0]): int(row[1]) for row in (await db.execute(query)).all()}

    async def liked_comments(self, db: AsyncSession, comment_ids: Iterable[int], user_id: uuid.UUID) -> set[int]:
        wanted = list(comment_ids)
        if not wanted:
            return set()
        query = select(CommentLike.comment_id).where(CommentLike.comment_id.in_(wanted), CommentLike.user_id == user_id)
        return {int(c) for c in (await db.execute(query)).scalars()}

    async def like_comment(self, db: AsyncSession, comment_id: int, user_id: uuid.UUID, at: datetime) -> bool:
        stmt = (
            insert_for(db, CommentLike)
            .values(comment_id=comment_id, user_id=user_id, created_at=at)
            .on_conflict_do_nothing(index_elements=[CommentLike.comment_id, CommentLike.user_id])
        )
        return bool(affected(await db.execute(stmt)))

    async def unlike_comment(self, db: AsyncSession, comment_id: int, user_id: uuid.UUID) -> bool:
        result = await db.execute(
            delete(CommentLike).where(CommentLike.comment_id == comment_id, CommentLike.user_id == user_id)
        )
        return bool(affected(result))

    async def unlike_every(self, db: AsyncSession, comment_id: int) -> None:
        await db.execute(delete(CommentLike).where(CommentLike.comment_id == comment_id))
