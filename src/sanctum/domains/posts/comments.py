"""Comments on posts, with one level of replies: list, create, edit, delete, like.

Whoever may see a post may comment on it and like it. The author edits a comment. The author deletes
it with its replies; a moderator of the post's sanctum (`post.delete`) removes it: its text and likes
go, the row stays as "removed by a moderator" so its replies keep their place (removing it a second
time deletes it with its replies). A removed comment takes no edit, like or reply. Every change takes
the post's row lock first, then publishes on `post:{id}` with the new counts.
"""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, Forbidden, NotFound, ValidationFailed
from sanctum.core.events import Redacted
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.accounts.service import AccountService, Actor, to_public
from sanctum.domains.audit.service import AuditAction
from sanctum.domains.notifications.notify import Notifier
from sanctum.domains.posts import events as ev
from sanctum.domains.posts.models import Comment
from sanctum.domains.posts.repository import PostRepository
from sanctum.domains.posts.schemas import CommentCreate, CommentPage, CommentRead, LikeState
from sanctum.domains.posts.service import Created, PostService, post_not_found
from sanctum.domains.roles.permissions import Permission
from sanctum.observability import tracing

# Replies shown under each top-level comment of a page; `reply_count` says how many there are.
REPLIES_SHOWN = 100


def comment_not_found() -> NotFound:
    return NotFound("No such comment.", code=ErrorCode.COMMENT_NOT_FOUND)


class CommentService:
    def __init__(self, db: Database, posts: PostService, accounts: AccountService, notifier: Notifier) -> None:
        self._db = db
        self._posts = posts
        self._accounts = accounts
        self._notifier = notifier
        self._repo = PostRepository()

    @staticmethod
    def _read(
        c: Comment, people: dict[uuid.UUID, PublicUser], likes: dict[int, int], mine: set[int], replies: int = 0
    ) -> CommentRead:
        return CommentRead(
            id=c.id,
            post_id=c.post_id,
            parent_id=c.parent_id,
            author=people.get(c.author_id) if c.author_id is not None else None,
            body=c.body,
            html=c.html,
            created_at=c.created_at,
            edited_at=c.edited_at,
            like_count=likes.get(c.id, 0),
            liked_by_me=c.id in mine,
            reply_count=replies,
            removed_by_moderator=c.removed_by_moderator,
        )

    async def _one(self, db: AsyncSession, comment: Comment, viewer: uuid.UUID) -> CommentRead:
        people = await self._accounts.public_users(db, [comment.author_id] if comment.author_id else [])
        likes = await self._repo.comment_like_counts(db, [comment.id])
        mine = await self._repo.liked_comments(db, [comment.id], viewer)
        replies = await self._repo.reply_counts(db, [comment.id])
        return self._read(comment, people, likes, mine, replies.get(comment.id, 0))

    async def visible(self, db: AsyncSession, actor: Actor, comment_id: int) -> Comment:
        """For other domains (a report), in the caller's session: the comment if the caller may see it."""
        return (await self._visible(db, actor, comment_id))[0]

    async def _visible(self, db: AsyncSession, actor: Actor, comment_id: int) -> tuple[Comment, bool]:
        """The comment and whether the caller may delete others' comments there (`post.delete`);
        404 if they cannot see it."""
        comment = await self._repo.comment(db, comment_id)
        if comment is None:
            raise comment_not_found()
        try:
            _, access = await self._posts.visible(db, actor.id, comment.post_id)
        except NotFound as exc:
            raise comment_not_found() from exc
        return comment, await self._posts.may(db, actor, Permission.POST_DELETE, access)

    async def _locked(
        self, db: AsyncSession, actor: Actor, comment_id: int, removed_ok: bool = True
    ) -> tuple[Comment, bool, uuid.UUID | None]:
        """In a writer: the visible comment, read again under its post's row lock (unless `removed_ok`, a
        comment removed by a moderator is refused as if gone), whether the caller moderates it, and its
        post's sanctum."""
        found, moderates = await self._visible(db, actor, comment_id)
        post = await self._repo.post_for_update(db, found.post_id)
        if post is None:
            raise comment_not_found()
        comment = await self._repo.comment(db, comment_id)
        if comment is None or (comment.removed_by_moderator and not removed_ok):
            raise comment_not_found()
        return comment, moderates, post.sanctum_id

    # -- reading ----------------------------------------------------------------------------------

    async def list(self, actor: Actor, post_id: int, after: int | None, limit: int) -> CommentPage:
        async with self._db.reader() as db:
            await self._posts.visible(db, actor.id, post_id)
            top = await self._repo.top_level(db, post_id, after, limit + 1)
            more = len(top) > limit
            top = top[:limit]
            top_ids = [c.id for c in top]
            replies = await self._repo.replies(db, top_ids, REPLIES_SHOWN)
            reply_counts = await self._repo.reply_counts(db, top_ids)
            every = [*top, *(r for rs in replies.values() for r in rs)]
            likes = await self._repo.comment_like_counts(db, (c.id for c in every))
            mine = await self._repo.liked_comments(db, (c.id for c in every), actor.id)
            people = await self._accounts.public_users(db, (c.author_id for c in every if c.author_id is not None))
        items = []
        for c in top:
            read = self._read(c, people, likes, mine, reply_counts.get(c.id, 0))
            read.replies = [self._read(r, people, likes, mine) for r in replies.get(c.id, [])]
            items.append(read)
        return CommentPage(items=items, next_after=top[-1].id if more and top else None)

    # -- commands ---------------------------------------------------------------------------------

    @tracing.traced("posts.comment")
    async def create(self, actor: Actor, post_id: int, data: CommentCreate) -> Created[CommentRead]:
        """A retry with the same `client_id` gets the first comment back (created False), never a second."""
        try:
            return await self._create(actor, post_id, data)
        except IntegrityError:
            # A retry raced the first attempt with the same client_id: answer with what that one stored.
            async with self._db.reader() as db:
                found = await self._repo.comment_by_client_id(db, post_id, actor.id, data.client_id or "")
                if found is None:
                    raise
                return Created(await self._one(db, found, actor.id), False)

    async def _create(self, actor: Actor, post_id: int, data: CommentCreate) -> Created[CommentRead]:
        async with self._db.writer() as db:
            await self._posts.visible(db, actor.id, post_id)
            post = await self._repo.post_for_update(db, post_id)
            if post is None:
                raise post_not_found()
            if data.client_id is not None:
                existing = await self._repo.comment_by_client_id(db, post_id, actor.id, data.client_id)
                if existing is not None:
                    return Created(await self._one(db, existing, actor.id), False)
            parent_author: uuid.UUID | None = None
            if data.parent_id is not None:
                parent = await self._repo.comment(db, data.parent_id)
                if parent is None or parent.post_id != post_id:
                    raise ValidationFailed(fields={"parent_id": "is not a comment on this post"})
                if parent.removed_by_moderator:
                    raise ValidationFailed(fields={"parent_id": "was removed by a moderator"})
                if parent.parent_id is not None:
                    raise ValidationFailed(
                        fields={"parent_id": "replies go one level deep: reply to a top-level comment"}
                    )
                parent_author = parent.author_id
            html, told = await self._posts.render(db, data.body, actor.id, post.sanctum_id)
            comment = Comment(
                post_id=post_id,
                parent_id=data.parent_id,
                author_id=actor.id,
                body=data.body,
                html=html,
                created_at=utcnow(),
                client_id=data.client_id,
            )
            db.add(comment)
            await db.flush()
            count = (await self._repo.comment_counts(db, [post_id])).get(post_id, 0)
            read = self._read(comment, {actor.id: to_public(actor.user)}, {}, set())
            created = ev.CommentCreated(comment=read, comment_count=count)
            await db.emit(ev.post_topic(post_id), ev.COMMENT_CREATED, created, ref=ev.comment_ref(comment.id))
            await self._posts.notify_mentions(db, told, actor.id, post_id, "comment", comment.id)
            notifier = self._notifier.within(db)
            if data.parent_id is not None:
                await notifier.reply(
                    comment_author=parent_author,
                    by=actor.id,
                    post_id=post_id,
                    comment_id=data.parent_id,
                    reply_id=comment.id,
                )
            else:
                await notifier.comment(post_author=post.author_id, by=actor.id, post_id=post_id, comment_id=comment.id)
        return Created(read, True)

    async def edit(self, actor: Actor, comment_id: int, body: str) -> CommentRead:
        async with self._db.writer() as db:
            comment, _, _ = await self._locked(db, actor, comment_id, removed_ok=False)
            if comment.author_id != actor.id:
                raise Forbidden("Only the author can edit a comment.", code=ErrorCode.NOT_AUTHOR)
            post = await self._repo.post(db, comment.post_id)
            html, _ = await self._posts.render(db, body, actor.id, post.sanctum_id if post is not None else None)
            comment.body, comment.html, comment.edited_at = body, html, utcnow()
            data = ev.CommentChanged(
                id=comment.id,
                parent_id=comment.parent_id,
                body=comment.body,
                html=comment.html,
                edited_at=comment.edited_at,
            )
            await db.emit(ev.post_topic(comment.post_id), ev.COMMENT_UPDATED, data, ref=ev.comment_ref(comment.id))
            return await self._one(db, comment, actor.id)

    async def delete(self, actor: Actor, comment_id: int) -> None:
        async with self._db.writer() as db:
            comment, moderates, sanctum_id = await self._locked(db, actor, comment_id)
            if comment.author_id != actor.id and not moderates:
                raise Forbidden(
                    "Only the author or a sanctum moderator can delete a comment.", code=ErrorCode.NOT_AUTHOR
                )
            post_id = comment.post_id
            by_moderator = comment.author_id != actor.id
            if by_moderator:
                await self._posts.record(
                    db,
                    actor,
                    AuditAction.COMMENT_DELETE,
                    "comment",
                    comment_id,
                    sanctum_id=sanctum_id,
                    metadata={"post_id": post_id, "author_id": comment.author_id, "body": comment.body[:200]},
                )
            if by_moderator and not comment.removed_by_moderator:
                await self._remove(db, comment)
                return
            topic = ev.post_topic(post_id)
            gone = [
                comment_id,
                *(r.id for r in (await self._repo.replies(db, [comment_id], 10**6)).get(comment_id, [])),
            ]
            # A resume must not replay the removed text (the comment's and its replies').
            for removed in gone:
                await db.rewrite(topic, ev.comment_ref(removed), Redacted(id=removed, deleted=True))
            parent_id = comment.parent_id
            await db.delete(comment)
            await db.flush()
            count = (await self._repo.comment_counts(db, [post_id])).get(post_id, 0)
            deleted = ev.CommentDeleted(id=comment_id, parent_id=parent_id, comment_count=count)
            await db.emit(topic, ev.COMMENT_DELETED, deleted)

    async def _remove(self, db: UnitOfWork, comment: Comment) -> None:
        """A moderator's removal: the text and likes go, the marker stays with its replies."""
        topic = ev.post_topic(comment.post_id)
        await db.rewrite(topic, ev.comment_ref(comment.id), Redacted(id=comment.id, deleted=True))
        comment.body, comment.html, comment.removed_by_moderator = "", "", True
        await self._repo.unlike_every(db, comment.id)
        count = (await self._repo.comment_counts(db, [comment.post_id])).get(comment.post_id, 0)
        removed = ev.CommentDeleted(
            id=comment.id, parent_id=comment.parent_id, comment_count=count, removed_by_moderator=True
        )
        await db.emit(topic, ev.COMMENT_DELETED, removed)

    async def like(self, actor: Actor, comment_id: int, add: bool) -> LikeState:
        async with self._db.writer() as db:
            comment, _, _ = await self._locked(db, actor, comment_id, removed_ok=add is False)
            if add:
                changed = await self._repo.like_comment(db, comment_id, actor.id, utcnow())
            else:
                changed = await self._repo.unlike_comment(db, comment_id, actor.id)
            count = (await self._repo.comment_like_counts(db, [comment_id])).get(comment_id, 0)
            if changed:
                like = ev.LikeChanged(target="comment", id=comment_id, like_count=count, user_id=actor.id, liked=add)
                await db.emit(ev.post_topic(comment.post_id), ev.LIKE_UPDATED, like)
                if add:
                    await self._notifier.within(db).like(
                        owner=comment.author_id,
                        by=actor.id,
                        target="comment",
                        target_id=comment_id,
                        post_id=comment.post_id,
                    )
        return LikeState(target="comment", id=comment_id, like_count=count, liked_by_me=add)
