"""Mentions and room links: pills the server renders, who they notify, and what they never reveal.

`@name` in a post or a comment notifies like a chat mention (only people who may see the text);
`@here`/`@room` works for a room's owner and moderators only; `#room` links only rooms every reader of
the text can see, so a private room's name is never confirmed to anyone."""

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


async def inbox(person: Member) -> list[tuple[str, str, dict[str, Any]]]:
    page = await person.ok("GET", "/api/notifications")
    return [(n["kind"], n["text"], n["data"]) for n in page["items"]]


def pill(person: Member) -> str:
    return f'<a href="/u/{person.username}" class="mention" rel="noopener noreferrer nofollow">@{person.username}</a>'


async def test_a_mention_in_a_post_or_comment_notifies_only_people_who_may_see_it(instance: Instance) -> None:
    alice, bob, carol = await members(instance.http, 3)
    club = await alice.create_sanctum("Club", visibility="private")
    await alice.add_to_sanctum(club["slug"], bob.id)

    post = await alice.post(f"hello @{bob.username} and @{carol.username} and @{alice.username}", club)
    comment = await bob.comment(post["id"], f"thanks @{alice.username.upper()}")
    await instance.settle()

    assert pill(bob) in post["html"] and pill(alice) in comment["html"]
    post_id = str(post["id"])
    assert await inbox(bob) == [
        (
            "post_mention",
            f"{alice.username} mentioned you in a post",
            {"post_id": post_id, "target": "post", "target_id": post_id},
        )
    ]
    assert (
        "post_mention",
        f"{bob.username} mentioned you in a comment",
        {"post_id": post_id, "target": "comment", "target_id": str(comment["id"])},
    ) in await inbox(alice)
    assert await inbox(carol) == []  # a private sanctum's post: carol may not see it, nobody tells her

    edited = await alice.edit_post(post["id"], f"now only @{carol.username}")
    await instance.settle()
    assert pill(carol) in edited["html"] and await inbox(carol) == []  # an edit notifies nobody


async def test_here_from_a_member_is_plain_text_but_from_the_owner_tells_the_whole_room(instance: Instance) -> None:
    alice, bob, carol = await members(instance.http, 3)
    room = await alice.create_room("Lunch")
    await bob.join(room["id"])
    await carol.join(room["id"])

    from_bob = await bob.send(room["id"], "@here lunch?")
    await instance.settle()
    assert from_bob["html"] == "<p>@here lunch?</p>"
    assert await inbox(alice) == [] and await inbox(carol) == []

    from_alice = await alice.send(room["id"], "@room meeting at noon")
    await instance.settle()
    assert from_alice["html"] == '<p><span class="mention">@room</span> meeting at noon</p>'
    for person in (bob, carol):
        [(kind, text, data)] = await inbox(person)
        assert (kind, text, data["message_id"]) == (
            "mention",
            f"{alice.username} mentioned you in a message",
            str(from_alice["id"]),
        )
    assert await inbox(alice) == []


async def test_a_room_link_names_only_rooms_every_reader_can_see(instance: Instance) -> None:
    alice, bob = await members(instance.http, 2)
    lobby = await alice.create_room("lobby")
    await alice.create_room("secret", kind="private")
    club = await alice.create_sanctum("Club", visibility="private")
    await alice.add_to_sanctum(club["slug"], bob.id)
    plans = await alice.ok("POST", f"/api/sanctums/{club['slug']}/channels", 201, json={"name": "plans"})

    text = "see #Lobby, #secret and #plans"
    in_public = await alice.send(lobby["id"], text)
    in_club = await alice.post(text, club)

    link = f'<a href="/chat/{lobby["id"]}" class="room-link" rel="noopener noreferrer nofollow">#Lobby</a>'
    assert link in in_public["html"] and link in in_club["html"]
    assert "/chat/" not in in_public["html"].replace(link, "")  # no #plans link where outsiders read
    assert f'href="/chat/{plans["id"]}"' in in_club["html"]  # only the club's members read its posts
    for html in (in_public["html"], in_club["html"]):
        assert ">#secret<" not in html and "#secret" in html  # a private room is never linked
