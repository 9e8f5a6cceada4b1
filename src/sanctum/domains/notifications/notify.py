"""The notifier: how other domains ask for a notification.

A write use case asks inside the unit of work that made the change, through the outbox
(jobs/outbox.py): written in its transaction and queued once it commits, so a rolled-back write
notifies nobody and a process that dies right after the commit loses nothing:

    await notifier.within(db).friend_request(to=target.id, by=actor.id)

Without `within` the job is queued at once: only for callers with no transaction of their own (a call
that ended, which lives in Redis), never inside a unit of work.

Each call only enqueues a background job and returns; the job creates or
updates the notification row and pushes it live on `user:{id}`. Jobs are idempotent (a unique dedupe key
per notification, one actor row per liker), so a job that runs twice still makes one notification, and a
caller may safely call again after a retry of its own request.

Self-notifications are dropped here: `by == to` enqueues nothing. A call never raises: the change it
tells about has already happened, so a queue failure is logged (`notification_not_enqueued`) and the
caller's request still succeeds.

    await notifier.friend_request(to=target.id, by=actor.id)
    await notifier.comment(post_author=post.author_id, by=actor.id, post_id=post.id, comment_id=comment.id)
    await notifier.like(owner=post.author_id, by=actor.id, target="post", target_id=post.id, post_id=post.id)

Ids of posts and comments may be UUIDs or integers; they travel as strings.
"""

from __future__ import annotations

import uuid
from typing import Literal, get_args

from sanctum.db.unit_of_work import UnitOfWork
from sanctum.jobs import JobQueue, Payload
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.notifications")

Kind = Literal[
    "friend_request",
    "friend_accepted",
    "mention",
    "post_mention",
    "comment",
    "reply",
    "like",
    "game_invite",
    "reaction",
    "thread_reply",
    "message",
    "missed_call",
]
KINDS: tuple[Kind, ...] = get_args(Kind)
LikeTarget = Literal["post", "comment"]
Id = uuid.UUID | int | str


def job_name(kind: Kind) -> str:
    """One job name per kind, so queue metrics say which notifications are slow or failing."""
    return f"notifications.{kind}"


class Notifier:
    def __init__(self, jobs: JobQueue, uow: UnitOfWork | None = None) -> None:
        self._jobs = jobs
        self._uow = uow

    def within(self, db: UnitOfWork) -> Notifier:
        """This notifier writing to `db`'s outbox: its jobs are queued once (and only if) `db` commits."""
        return Notifier(self._jobs, db)

    async def _enqueue(self, kind: Kind, to: uuid.UUID | None, by: uuid.UUID | None, **subject: Id | None) -> None:
        if to is None or to == by:
            return
        payload: Payload = {"to": str(to), "by": str(by) if by is not None else None}
        payload.update({k: str(v) for k, v in subject.items() if v is not None})
        if self._uow is not None:  # the caller's transaction: a failure here is its failure
            self._jobs.enqueue_after_commit(self._uow, job_name(kind), payload)
            return
        try:
            await self._jobs.enqueue(job_name(kind), payload)
        except Exception as exc:
            log.warning("notification_not_enqueued", kind=kind, error=str(exc))

    async def friend_request(self, *, to: uuid.UUID, by: uuid.UUID) -> None:
        """`by` sent `to` a friend request."""
        await self._enqueue("friend_request", to, by)

    async def friend_accepted(self, *, to: uuid.UUID, by: uuid.UUID) -> None:
        """`by` accepted the friend request that `to` had sent."""
        await self._enqueue("friend_accepted", to, by)

    async def mention(self, *, to: uuid.UUID, by: uuid.UUID, room_id: uuid.UUID, message_id: int) -> None:
        """`by` mentioned `to` in chat message `message_id` of room `room_id`.

        Whether `to` may see the room is the caller's check."""
        await self._enqueue("mention", to, by, room_id=room_id, message_id=message_id)

    async def post_mention(
        self, *, to: uuid.UUID, by: uuid.UUID, post_id: Id, target: LikeTarget, target_id: Id
    ) -> None:
        """`by` mentioned `to` in post `post_id` (`target` "post") or in one of its comments (`target_id`).

        Whether `to` may see the post is the caller's check."""
        await self._enqueue("post_mention", to, by, post_id=post_id, target=target, target_id=target_id)

    async def comment(self, *, post_author: uuid.UUID | None, by: uuid.UUID, post_id: Id, comment_id: Id) -> None:
        """`by` commented (`comment_id`) on a post of `post_author` (None: a deleted user, nobody to tell)."""
        await self._enqueue("comment", post_author, by, post_id=post_id, comment_id=comment_id)

    async def reply(
        self, *, comment_author: uuid.UUID | None, by: uuid.UUID, post_id: Id, comment_id: Id, reply_id: Id
    ) -> None:
        """`by` replied (`reply_id`) to comment `comment_id` of `comment_author`, under post `post_id`."""
        await self._enqueue("reply", comment_author, by, post_id=post_id, comment_id=comment_id, reply_id=reply_id)

    async def like(
        self, *, owner: uuid.UUID | None, by: uuid.UUID, target: LikeTarget, target_id: Id, post_id: Id
    ) -> None:
        """`by` liked `owner`'s post or comment. Aggregated: one notification per target ("Alice and 3 others
        liked your post"), updated and unread again on each new liker; the same liker twice counts once.
        `post_id` is the post itself or the post the comment belongs to (for the link)."""
        await self._enqueue("like", owner, by, target=target, target_id=target_id, post_id=post_id)

    async def reaction(
        self, *, owner: uuid.UUID | None, by: uuid.UUID, room_id: uuid.UUID, message_id: int, emoji: str
    ) -> None:
        """`by` reacted with `emoji` to `owner`'s chat message. Aggregated per message, like a like ("Bob and 2
        others reacted 🎉 to your message"); the latest emoji is the one told."""
        await self._enqueue("reaction", owner, by, room_id=room_id, message_id=message_id, emoji=emoji)

    async def thread_reply(
        self, *, to: uuid.UUID, by: uuid.UUID, room_id: uuid.UUID, parent_id: int, reply_id: int, started: bool
    ) -> None:
        """`by` replied (`reply_id`) in the thread of message `parent_id`: `to` wrote that message (`started`)
        or replied in its thread before. Aggregated per thread; unread again on each new reply."""
        role = "author" if started else "participant"
        await self._enqueue("thread_reply", to, by, room_id=room_id, parent_id=parent_id, reply_id=reply_id, role=role)

    async def message(
        self, *, to: uuid.UUID, by: uuid.UUID, room_id: uuid.UUID, message_id: int, room_kind: str
    ) -> None:
        """`by` wrote message `message_id` in DM or group `room_id` of `to`. One notification per conversation
        until it is read: while it is unread, more messages only update it. The job drops it when `to` has
        already read the message (they were reading the conversation)."""
        await self._enqueue("message", to, by, room_id=room_id, message_id=message_id, room_kind=room_kind)

    async def missed_call(self, *, to: uuid.UUID, by: uuid.UUID, room_id: uuid.UUID, call_id: uuid.UUID) -> None:
        """`to` did not answer call `call_id` from `by` in room `room_id` (it rang out): one notification
        per call, pushed too, so a call rung while no tab was open is not lost."""
        await self._enqueue("missed_call", to, by, room_id=room_id, call_id=call_id)

    async def game_invite(self, *, to: uuid.UUID, by: uuid.UUID, game_id: Id, game: str) -> None:
        """`by` invited `to` to game room `game_id` of game `game` (plugin name)."""
        await self._enqueue("game_invite", to, by, game_id=game_id, game=game)
