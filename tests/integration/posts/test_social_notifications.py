"""What the social domains hand to the notifier: friend requests and acceptances, comments, replies and
likes each end as one notification for the right person, made by the background job."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.notifications.notifications_api import Instance
from tests.support.social_api import Member, members


@pytest.fixture
async def instance(make_settings: SettingsFactory, make_client: ClientFactory) -> Instance:
    app: FastAPI = create_app(make_settings())
    http: httpx.AsyncClient = await make_client(app=app)
    return Instance(app, http)


async def inbox(person: Member) -> list[tuple[str, str | None, int, dict[str, Any]]]:
    page = await person.ok("GET", "/api/notifications")
    return [(n["kind"], n["actor"]["id"] if n["actor"] else None, n["actor_count"], n["data"]) for n in page["items"]]


async def test_friendships_comments_replies_and_likes_notify_the_people_they_concern(instance: Instance) -> None:
    alice, bob, carol = await members(instance.http, 3)
    await bob.befriend(alice)
    await alice.accept(bob)
    post = await alice.post("notify me")
    comment = await bob.comment(post["id"], "a comment")
    reply = await alice.comment(post["id"], "a reply", parent_id=comment["id"])
    await alice.comment(post["id"], "my own comment notifies nobody")
    for liker in (bob, carol, bob):
        await liker.like(post["id"])
    await instance.settle()

    post_id = str(post["id"])
    assert sorted(await inbox(alice)) == sorted(
        [
            ("friend_request", bob.id, 1, {}),
            ("comment", bob.id, 1, {"post_id": post_id, "comment_id": str(comment["id"])}),
            ("like", carol.id, 2, {"target": "post", "target_id": post_id, "post_id": post_id}),
        ]
    )
    assert sorted(await inbox(bob)) == sorted(
        [
            ("friend_accepted", alice.id, 1, {}),
            (
                "reply",
                alice.id,
                1,
                {"post_id": post_id, "comment_id": str(comment["id"]), "reply_id": str(reply["id"])},
            ),
        ]
    )
    assert await inbox(carol) == []
