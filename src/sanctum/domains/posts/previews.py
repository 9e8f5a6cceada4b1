"""Link preview cards on posts: queued when a post with links is created or its links are edited, made
by a background job (`posts.link_previews`), and turned off or on again by the author.

Rules, as for messages (chat/previews.py): the author's preference decides (`PreviewService.enabled_for`);
the cards are fetched with no transaction open, then stored on the post in one unit of work that emits
`post.previews` on `post:{id}` and moves the post lists' cache version, unless the post was deleted,
edited or turned off meanwhile. Idempotent; queued through the writing unit of work's outbox
(jobs/outbox.py), so a crash right after the commit loses no job.
"""

from __future__ import annotations

from functools import partial

from sanctum.core.errors import ErrorCode, Forbidden
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import Actor
from sanctum.domains.posts import events as ev
from sanctum.domains.posts.caches import PostCaches
from sanctum.domains.posts.models import Post
from sanctum.domains.posts.repository import PostRepository
from sanctum.domains.posts.schemas import PostRead
from sanctum.domains.posts.service import PostService, post_not_found
from sanctum.domains.previews.links import first_links
from sanctum.domains.previews.schemas import LinkPreview
from sanctum.domains.previews.service import PreviewService
from sanctum.jobs import JobQueue, Payload, PermanentJobError

POST_PREVIEWS_JOB = "posts.link_previews"


def _dump(cards: list[LinkPreview]) -> str | None:
    return "[" + ",".join(card.model_dump_json() for card in cards) + "]" if cards else None


class PostPreviews:
    def __init__(
        self, db: Database, posts: PostService, caches: PostCaches, previews: PreviewService, jobs: JobQueue
    ) -> None:
        self._db, self._posts, self._caches, self._previews, self._jobs = db, posts, caches, previews, jobs
        self._repo = PostRepository()

    def requested(self, db: UnitOfWork, post_id: int, body: str) -> None:
        """In a create's or edit's unit of work: queue the cards' job once it commits, if it has links."""
        if first_links(body):
            self._jobs.enqueue_after_commit(db, POST_PREVIEWS_JOB, {"post_id": post_id})

    async def build(self, payload: Payload) -> None:
        try:
            post_id = int(payload["post_id"])
        except (KeyError, ValueError, TypeError) as exc:
            raise PermanentJobError(f"bad link previews payload: {exc!r}") from exc
        async with self._db.reader() as db:
            post = await self._repo.post(db, post_id)
            if post is None or post.previews_off or not await self._previews.enabled_for(db, post.author_id):
                return
            body = post.body
        cards = await self._previews.cards(first_links(body))
        async with self._db.writer() as db:
            post = await self._repo.post_for_update(db, post_id)
            if post is None or post.previews_off or post.body != body:
                return  # deleted, turned off or edited meanwhile (an edit queued its own job)
            stored = _dump(cards)
            if stored != post.link_previews:
                post.link_previews = stored
                await self._publish(db, post, cards)

    async def set_enabled(self, actor: Actor, post_id: int, enabled: bool) -> PostRead:
        """The author turns a post's cards off (they go at once, and none is made again) or on again."""
        async with self._db.writer() as db:
            await self._posts.visible(db, actor.id, post_id)
            post = await self._repo.post_for_update(db, post_id)
            if post is None:
                raise post_not_found()
            if post.author_id != actor.id:
                raise Forbidden("Only the author can change a post's link previews.", code=ErrorCode.NOT_AUTHOR)
            if post.previews_off == enabled:
                post.previews_off = not enabled
                if enabled:
                    self.requested(db, post_id, post.body)
                else:
                    post.link_previews = None
                    await self._publish(db, post, [])
            return (await self._posts.read(db, [post], actor.id))[0]

    async def _publish(self, db: UnitOfWork, post: Post, cards: list[LinkPreview]) -> None:
        data = ev.PostCards(id=post.id, link_previews=cards, link_previews_enabled=not post.previews_off)
        await db.emit(ev.post_topic(post.id), ev.POST_PREVIEWS, data)
        db.after_commit(partial(self._caches.posts_changed, post.sanctum_id))
