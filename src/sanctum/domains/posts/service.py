"""Posts: create, read, edit, delete, like; who may see, change and watch a post.

A post in a sanctum is as visible as the sanctum (a private sanctum's posts are 404 to non-members);
a profile post is visible to everyone signed in. Only members post in a sanctum. The author edits;
the author or a sanctum moderator deletes. Likes are idempotent (INSERT ... ON CONFLICT DO NOTHING)
and every change under a post takes the post's row lock first, so the counts its live events carry
(on `post:{id}`) are those of commit order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, Generic, NamedTuple, TypeVar

from pydantic import TypeAdapter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, Forbidden, NotFound
from sanctum.core.events import Redacted
from sanctum.core.markdown import render
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.chat.links import TextLinks
from sanctum.domains.files.service import FileService
from sanctum.domains.notifications.notify import LikeTarget, Notifier
from sanctum.domains.posts import events as ev
from sanctum.domains.posts.caches import PostCaches
from sanctum.domains.posts.models import Post
from sanctum.domains.posts.repository import PostCounts, PostRepository
from sanctum.domains.posts.schemas import LikeState, PostCreate, PostRead
from sanctum.domains.previews.links import first_links
from sanctum.domains.previews.schemas import LinkPreview
from sanctum.domains.roles.permissions import Permission
from sanctum.domains.sanctums.service import Access, SanctumService
from sanctum.observability import tracing

NO_COUNTS = PostCounts(0, 0, False)
_CARDS = TypeAdapter(list[LinkPreview])
PostLinksSent = Callable[[UnitOfWork, int, str], None]
"""Told, in a create's or edit's unit of work, of a post (id, body) whose links may want cards
(posts/previews.py queues their job after commit)."""
T = TypeVar("T")


class Created(NamedTuple, Generic[T]):
    """What a create returns: the thing, and False when a retry's client_id found the first one."""

    item: T
    created: bool


def post_not_found() -> NotFound:
    return NotFound("No such post.", code=ErrorCode.POST_NOT_FOUND)


class PostService:
    def __init__(
        self,
        db: Database,
        accounts: AccountService,
        sanctums: SanctumService,
        caches: PostCaches,
        notifier: Notifier,
        files: FileService,
    ) -> None:
        self._db = db
        self._files = files
        self._accounts = accounts
        self._sanctums = sanctums
        self._caches = caches
        self._notifier = notifier
        self._repo = PostRepository()
        self._audit = AuditLog()
        self._links = TextLinks(accounts)
        self._links_sent: PostLinksSent = lambda *_: None

    def use_previews(self, hook: PostLinksSent) -> None:
        self._links_sent = hook

    # -- access, in the caller's session ----------------------------------------------------------

    async def may(self, db: AsyncSession, actor: Actor, permission: Permission, access: Access | None) -> bool:
        """Whether the caller holds `permission` where a post is (its sanctum, or the site)."""
        return await self._sanctums.may(db, actor, permission, access)

    async def record(self, db: AsyncSession, *entry: Any, **fields: Any) -> None:
        """Append to the audit log in the caller's unit of work (comments' moderator deletions)."""
        await self._audit.record(db, *entry, **fields)

    async def visible(self, db: AsyncSession, user_id: uuid.UUID, post_id: int) -> tuple[Post, Access | None]:
        """The post and (in a sanctum) the caller's standing there; 404 if the caller may not see it."""
        post = await self._repo.post(db, post_id)
        if post is None:
            raise post_not_found()
        if post.sanctum_id is None:
            return post, None
        try:
            access = await self._sanctums.access_by_id(db, user_id, post.sanctum_id)
        except NotFound as exc:
            raise post_not_found() from exc
        return post, access

    async def sanctum_of(self, post_id: int) -> uuid.UUID | None:
        """The sanctum a post is in, if any (a use case of its own, for the hub)."""
        async with self._db.reader() as db:
            post = await self._repo.post(db, post_id)
        return post.sanctum_id if post is not None else None

    async def can_watch(self, user_id: uuid.UUID, post_id: int) -> bool:
        async with self._db.reader() as db:
            try:
                await self.visible(db, user_id, post_id)
            except NotFound:
                return False
        return True

    async def render(
        self, db: AsyncSession, body: str, writer: uuid.UUID, sanctum_id: uuid.UUID | None
    ) -> tuple[str, list[uuid.UUID]]:
        """The HTML of a post or comment (pills, `#room` links to rooms all its readers see) and who of
        the people it names may see it (they are notified; the writer never is)."""
        resolved = await self._links.resolve(db, body, writer, sanctum_id=sanctum_id)
        told = []
        for person in resolved.people:
            if sanctum_id is not None:
                try:
                    await self._sanctums.access_by_id(db, person.id, sanctum_id)
                except NotFound:
                    continue  # a private sanctum they are not in: no pill of theirs tells them anything
            told.append(person.id)
        return render(body, resolved.links), told

    async def notify_mentions(
        self, db: UnitOfWork, told: list[uuid.UUID], by: uuid.UUID, post_id: int, target: LikeTarget, target_id: int
    ) -> None:
        """Once `db` commits (through the outbox), each person named (and allowed to see it) hears of it."""
        notifier = self._notifier.within(db)
        for person in told:
            await notifier.post_mention(to=person, by=by, post_id=post_id, target=target, target_id=target_id)

    # -- serializing, in the caller's session -----------------------------------------------------

    async def content(self, db: AsyncSession, posts: list[Post]) -> list[PostRead]:
        """What a cached page holds: text, author and sanctum, with counts left at zero."""
        people = await self._accounts.public_users(db, (p.author_id for p in posts if p.author_id is not None))
        refs = await self._sanctums.refs(db, [p.sanctum_id for p in posts if p.sanctum_id is not None])
        attachments = await self._files.of_posts(db, [p.id for p in posts])
        return [
            PostRead(
                id=p.id,
                author=people.get(p.author_id) if p.author_id is not None else None,
                sanctum=refs.get(p.sanctum_id) if p.sanctum_id is not None else None,
                body=p.body,
                html=p.html,
                created_at=p.created_at,
                edited_at=p.edited_at,
                like_count=0,
                comment_count=0,
                liked_by_me=False,
                attachments=attachments.get(p.id, []),
                link_previews=_CARDS.validate_json(p.link_previews) if p.link_previews else [],
                link_previews_enabled=not p.previews_off,
            )
            for p in posts
        ]

    async def with_counts(self, db: AsyncSession, items: Iterable[PostRead], viewer: uuid.UUID) -> list[PostRead]:
        """Fresh counts and the viewer's likes laid over posts (one statement per page)."""
        posts = list(items)
        if not posts:
            return []
        counts = await self._repo.counts(db, [p.id for p in posts], viewer)
        out = []
        for post in posts:
            c = counts.get(post.id, NO_COUNTS)
            update = {"like_count": c.likes, "comment_count": c.comments, "liked_by_me": c.liked_by_viewer}
            out.append(post.model_copy(update=update))
        return out

    async def read(self, db: AsyncSession, posts: list[Post], viewer: uuid.UUID) -> list[PostRead]:
        return await self.with_counts(db, await self.content(db, posts), viewer)

    # -- commands ---------------------------------------------------------------------------------

    async def get(self, actor: Actor, post_id: int) -> PostRead:
        async with self._db.reader() as db:
            post, _ = await self.visible(db, actor.id, post_id)
            return (await self.read(db, [post], actor.id))[0]

    @tracing.traced("posts.create")
    async def create(self, actor: Actor, data: PostCreate) -> Created[PostRead]:
        """A retry with the same `client_id` gets the first post back (created False), never a second."""
        try:
            async with self._db.writer() as db:
                if data.sanctum_id is not None:
                    access = await self._sanctums.access_by_id(db, actor.id, data.sanctum_id)
                    if access.role is None:
                        raise Forbidden("Join the sanctum to post in it.", code=ErrorCode.NOT_A_MEMBER)
                if data.client_id is not None:
                    existing = await self._repo.post_by_client_id(db, actor.id, data.client_id)
                    if existing is not None:
                        return Created((await self.read(db, [existing], actor.id))[0], False)
                html, told = await self.render(db, data.body, actor.id, data.sanctum_id)
                post = Post(
                    sanctum_id=data.sanctum_id,
                    author_id=actor.id,
                    body=data.body,
                    html=html,
                    created_at=utcnow(),
                    client_id=data.client_id,
                    previews_off=data.link_previews is False,
                )
                db.add(post)
                await db.flush()
                await self._files.attach_to_post(db, actor.id, data.attachments, post.id)
                if data.link_previews is not False:
                    self._links_sent(db, post.id, data.body)
                db.after_commit(partial(self._caches.posts_changed, post.sanctum_id))
                await self.notify_mentions(db, told, actor.id, post.id, "post", post.id)
                return Created((await self.read(db, [post], actor.id))[0], True)
        except IntegrityError:
            # A retry raced the first attempt with the same client_id: answer with what that one stored.
            async with self._db.reader() as db:
                found = await self._repo.post_by_client_id(db, actor.id, data.client_id or "")
                if found is None:
                    raise
                return Created((await self.read(db, [found], actor.id))[0], False)

    async def edit(self, actor: Actor, post_id: int, body: str) -> PostRead:
        """An edit renders pills and links again and notifies nobody (the post did)."""
        async with self._db.writer() as db:
            await self.visible(db, actor.id, post_id)
            post = await self._repo.post_for_update(db, post_id)
            if post is None:
                raise post_not_found()
            if post.author_id != actor.id:
                raise Forbidden("Only the author can edit a post.", code=ErrorCode.NOT_AUTHOR)
            html, _ = await self.render(db, body, actor.id, post.sanctum_id)
            if first_links(body) != first_links(post.body) and post.link_previews:  # old cards go; a job makes new
                post.link_previews = None
                cards = ev.PostCards(id=post.id, link_previews=[], link_previews_enabled=not post.previews_off)
                await db.emit(ev.post_topic(post_id), ev.POST_PREVIEWS, cards)
            if first_links(body) != first_links(post.body) and not post.previews_off:
                self._links_sent(db, post.id, body)
            post.body, post.html, post.edited_at = body, html, utcnow()
            changed = ev.PostChanged(id=post.id, body=post.body, html=post.html, edited_at=post.edited_at)
            await db.emit(ev.post_topic(post_id), ev.POST_UPDATED, changed, ref=ev.post_ref(post_id))
            db.after_commit(partial(self._caches.posts_changed, post.sanctum_id))
            return (await self.read(db, [post], actor.id))[0]

    async def delete(self, actor: Actor, post_id: int) -> None:
        async with self._db.writer() as db:
            _, access = await self.visible(db, actor.id, post_id)
            post = await self._repo.post_for_update(db, post_id)
            if post is None:
                raise post_not_found()
            by_moderator = post.author_id != actor.id
            if by_moderator and not await self._sanctums.may(db, actor, Permission.POST_DELETE, access):
                raise Forbidden("Only the author or a sanctum moderator can delete a post.", code=ErrorCode.NOT_AUTHOR)
            if by_moderator:
                await self._audit.record(
                    db,
                    actor,
                    AuditAction.POST_DELETE,
                    "post",
                    post_id,
                    sanctum_id=post.sanctum_id,
                    metadata={"author_id": post.author_id, "body": post.body[:200]},
                )
            topic = ev.post_topic(post_id)
            # A resume must not replay the removed text.
            await db.rewrite(topic, ev.post_ref(post_id), Redacted(id=post_id, deleted=True))
            db.after_commit(partial(self._caches.posts_changed, post.sanctum_id))
            await self._files.drop_post(db, post_id)
            await db.delete(post)
            await db.emit(topic, ev.POST_DELETED, ev.PostGone(id=post_id, removed_by_moderator=by_moderator))

    async def like(self, actor: Actor, post_id: int, add: bool) -> LikeState:
        async with self._db.writer() as db:
            await self.visible(db, actor.id, post_id)
            post = await self._repo.post_for_update(db, post_id)
            if post is None:
                raise post_not_found()
            if add:
                changed = await self._repo.like_post(db, post_id, actor.id, utcnow())
            else:
                changed = await self._repo.unlike_post(db, post_id, actor.id)
            count = (await self._repo.like_counts(db, [post_id])).get(post_id, 0)
            if changed:
                like = ev.LikeChanged(target="post", id=post_id, like_count=count, user_id=actor.id, liked=add)
                await db.emit(ev.post_topic(post_id), ev.LIKE_UPDATED, like)
                if add:
                    await self._notifier.within(db).like(
                        owner=post.author_id, by=actor.id, target="post", target_id=post_id, post_id=post_id
                    )
        return LikeState(target="post", id=post_id, like_count=count, liked_by_me=add)
