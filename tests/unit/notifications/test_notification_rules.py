"""Pure rules of notifications: dedupe keys, payload checks and the sentence shown for each kind."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.notifications.notify import KINDS
from sanctum.domains.notifications.service import SUBJECT, BadJobPayload, dedupe_key, parse_payload, sentence

ALICE = PublicUser(
    id=uuid.uuid4(), username="alice", display_name="Alice", bio="", avatar_url=None, created_at=datetime.now(UTC)
)


def test_every_kind_has_its_subject_fields() -> None:
    assert set(SUBJECT) == set(KINDS)


def test_likes_of_one_target_share_a_key_whoever_likes_and_comments_do_not() -> None:
    by, other = uuid.uuid4(), uuid.uuid4()
    like = {"target": "post", "target_id": "9", "post_id": "9"}
    assert dedupe_key("like", by, like) == dedupe_key("like", other, like)
    assert dedupe_key("like", by, like) != dedupe_key("like", by, {**like, "target": "comment"})
    comment = {"post_id": "9", "comment_id": "1"}
    assert dedupe_key("comment", by, comment) != dedupe_key("comment", by, {**comment, "comment_id": "2"})
    assert dedupe_key("friend_request", by, {}) != dedupe_key("friend_request", other, {})


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "Alice liked your post"), (2, "Alice and 1 other liked your post"), (4, "Alice and 3 others liked your post")],
)
def test_an_aggregated_like_reads_as_the_latest_liker_and_the_others(count: int, expected: str) -> None:
    assert sentence("like", ALICE, count, {"target": "post"}) == expected


def test_a_deleted_actor_is_named_as_such() -> None:
    assert sentence("comment", None, 1, {}) == "A deleted user commented on your post"


@pytest.mark.parametrize(
    "payload",
    [
        {"by": str(uuid.uuid4())},
        {"to": "nope", "by": str(uuid.uuid4())},
        {"to": str(uuid.uuid4()), "by": str(uuid.uuid4()), "target": "user", "target_id": "1", "post_id": "1"},
        {"to": str(uuid.uuid4()), "by": str(uuid.uuid4()), "target": "post", "target_id": "x" * 65, "post_id": "1"},
    ],
    ids=["no-recipient", "bad-uuid", "bad-target", "id-too-long"],
)
def test_a_malformed_like_payload_is_a_permanent_error(payload: dict[str, str]) -> None:
    with pytest.raises(BadJobPayload):
        parse_payload("like", payload)
