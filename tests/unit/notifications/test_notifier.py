"""The notifier's own rules, with a fake queue: what it enqueues, and that it never raises."""

from __future__ import annotations

import uuid

from sanctum.domains.notifications.notify import Notifier
from sanctum.jobs import JobFunction, Payload


class FakeQueue:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.queued: list[tuple[str, Payload]] = []

    def register(self, name: str, fn: JobFunction) -> None:
        raise NotImplementedError

    async def enqueue(self, name: str, payload: Payload) -> None:
        if self.fail:
            raise ConnectionError("queue down")
        self.queued.append((name, payload))


async def test_a_like_is_queued_with_its_ids_as_strings_and_a_self_like_is_not() -> None:
    queue = FakeQueue()
    notifier = Notifier(queue)
    owner, liker = uuid.uuid4(), uuid.uuid4()
    await notifier.like(owner=owner, by=liker, target="comment", target_id=7, post_id=3)
    await notifier.like(owner=owner, by=owner, target="post", target_id=3, post_id=3)
    await notifier.comment(post_author=None, by=liker, post_id=3, comment_id=8)
    assert queue.queued == [
        (
            "notifications.like",
            {"to": str(owner), "by": str(liker), "target": "comment", "target_id": "7", "post_id": "3"},
        )
    ]


async def test_a_queue_failure_is_swallowed_after_the_callers_commit() -> None:
    notifier = Notifier(FakeQueue(fail=True))
    await notifier.friend_request(to=uuid.uuid4(), by=uuid.uuid4())  # no exception
