"""Link previews end to end: a message (or a post) with a link gets its card from a local test server,
live, with the image served by Sanctum; a second message with the same link is served from the cache;
hostile links get no card; the author's toggle and the preference turn cards off.

The test server listens on 127.0.0.1, which the fetcher refuses by default: these apps allow that one
address (`PREVIEWS__ALLOW_NETWORKS`), and the hostile corpus redirects from it to everything else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from sanctum.net.settings import PreviewSettings
from tests.conftest import SettingsFactory
from tests.integration.chat.chat_api import Person, people
from tests.integration.flags.test_flags import admin_on
from tests.support.live import LiveServer, ServerFactory
from tests.support.social_api import members
from tests.support.web_targets import WebTargets, web_targets


@pytest.fixture
async def web() -> AsyncIterator[WebTargets]:
    async with web_targets() as targets:
        yield targets


@pytest.fixture
async def live(make_server: ServerFactory, make_settings: SettingsFactory) -> LiveServer:
    previews = PreviewSettings(allow_networks=["127.0.0.1/32"], timeout_seconds=1.5, max_page_bytes=200_000)
    return await make_server(make_settings(previews=previews))


async def settled(server: LiveServer) -> None:
    await server.app.state.services.jobs.settle(within=20.0)


async def cards(person: Person, room_id: str, message_id: int) -> list[dict[str, Any]]:
    return list((await person.message(room_id, message_id))["link_previews"])


async def test_a_link_gets_its_card_live_with_the_image_served_by_sanctum_and_cached(
    live: LiveServer, web: WebTargets
) -> None:
    alice, bob = await people(live.http, 2)
    room = await alice.create_room("Links")
    await bob.join(room["id"])
    ws = await live.connect(bob.user)
    await ws.subscribe(f"room:{room['id']}")

    sent = await alice.send(room["id"], f"read this: {web.url('/page')} !")
    updated = await ws.expect("message.updated", within=20.0)
    again = await alice.send(room["id"], f"and again {web.url('/page')}")
    await settled(live)

    assert sent["link_previews"] == [] and sent["link_previews_enabled"] is True
    [card] = updated["data"]["link_previews"]
    assert updated["data"]["id"] == sent["id"]
    assert card["url"] == web.url("/page") and card["title"] == "The Sanctum Gazette"
    assert card["description"] == "All the news that fits." and card["site_name"] == "Gazette"
    assert card["image_url"].startswith("/api/previews/images/") and (card["image_width"], card["image_height"]) == (
        32,
        16,
    )
    image = await live.http.get(card["image_url"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.headers["x-content-type-options"] == "nosniff" and image.content[:2] == b"\xff\xd8"
    assert await cards(bob, room["id"], sent["id"]) == [card]
    assert await cards(bob, room["id"], again["id"]) == [card]  # from the cache:
    assert (web.hits["/page"], web.hits["/image.png"], web.hits["/oembed.json"]) == (1, 1, 1)
    assert (await live.http.get("/api/previews/images/00000000-0000-4000-8000-000000000000")).status_code == 404


async def test_hostile_links_get_no_card_and_reach_no_private_address(live: LiveServer, web: WebTargets) -> None:
    [alice] = await people(live.http, 1)
    room = await alice.create_room("Hostile")
    port = web.port
    bodies = [
        " ".join(web.url(f"/redirect?to={to}") for to in ("http://10.0.0.1/", f"http://[::1]:{port}/page"))
        + f" {web.url('/redirect?to=http://169.254.169.254/latest/meta-data/')}",
        f"{web.url('/huge')} {web.url('/slow')} {web.url('/binary')}",
        f"{web.url('/chain/3')} http://2130706433:{port}/page http://user@127.0.0.1:{port}/page",
        f"{web.url(f'/redirect?to=http://0.0.0.0:{port}/page')} {web.url('/svg')}",
    ]

    sent = [await alice.send(room["id"], body) for body in bodies]
    await settled(live)

    for message in sent:
        assert await cards(alice, room["id"], message["id"]) == [], message["body"]
    assert web.hits["/page"] == 0  # every way round to it was refused before a request was made
    assert web.hits["/huge"] == web.hits["/slow"] == web.hits["/binary"] == 1


async def test_the_author_and_the_preference_turn_cards_off(live: LiveServer, web: WebTargets) -> None:
    alice, bob = await people(live.http, 2)
    room = await alice.create_room("Quiet links")
    await bob.join(room["id"])

    plain = await alice.send(room["id"], web.url("/plain-page"), link_previews=False)
    carded = await alice.send(room["id"], web.url("/page"))
    await settled(live)
    assert await cards(alice, room["id"], plain["id"]) == [] and web.hits["/plain-page"] == 0
    assert len(await cards(alice, room["id"], carded["id"])) == 1

    path = f"/api/rooms/{room['id']}/messages/{carded['id']}/link-previews"
    assert (await bob.call("PUT", path, json={"enabled": False})).status_code == 403
    off = await alice.ok("PUT", path, json={"enabled": False})
    await settled(live)
    assert off["link_previews"] == [] and off["link_previews_enabled"] is False
    assert await cards(alice, room["id"], carded["id"]) == []
    await alice.ok("PUT", path, json={"enabled": True})
    await settled(live)
    assert len(await cards(alice, room["id"], carded["id"])) == 1

    edited = await alice.edit(room["id"], carded["id"], f"now {web.url('/plain-page')}")
    await settled(live)
    assert edited["link_previews"] == []
    [card] = await cards(alice, room["id"], carded["id"])
    assert card["title"] == "Just a title" and card["image_url"] is None

    prefs = await alice.ok("PATCH", "/api/preferences/notifications", json={"link_previews": False})
    quiet = await alice.send(room["id"], web.url("/page/Other"))
    await settled(live)
    assert prefs["link_previews"] is False
    assert await cards(alice, room["id"], quiet["id"]) == [] and web.hits["/page/Other"] == 0


async def test_a_post_gets_its_card_live_in_the_feed_and_its_author_can_remove_it(
    live: LiveServer, web: WebTargets
) -> None:
    author, reader = await members(live.http, 2)
    sanctum = await author.create_sanctum("Lantern readers")
    await reader.join_sanctum(sanctum["slug"])
    fetched = web.hold("/page/Essay")  # the card must not land before the reader subscribes
    post = await author.post(f"new essay {web.url('/page/Essay')}", sanctum)
    ws = await live.connect(reader.user)
    await ws.subscribe(f"post:{post['id']}")
    fetched.set()
    await settled(live)
    live_cards = await ws.expect("post.previews", within=20.0)

    [card] = (await reader.get_post(post["id"]))["link_previews"]
    in_feed = [p for p in (await reader.feed())["items"] if p["id"] == post["id"]]
    path = f"/api/posts/{post['id']}/link-previews"
    refused = await reader.call("PUT", path, json={"enabled": False})
    off = await author.ok("PUT", path, json={"enabled": False})
    removed = await ws.expect("post.previews", within=20.0)

    assert post["link_previews"] == [] and card["title"] == "Essay" and card["image_url"]
    assert live_cards["data"] == {"id": post["id"], "link_previews": [card], "link_previews_enabled": True}
    assert in_feed[0]["link_previews"] == [card]
    assert refused.status_code == 403
    assert off["link_previews"] == [] and off["link_previews_enabled"] is False
    assert removed["data"]["link_previews"] == [] and (await reader.get_post(post["id"]))["link_previews"] == []


async def test_the_link_previews_flag_turned_off_by_an_admin_stops_new_cards(live: LiveServer, web: WebTargets) -> None:
    admin = await admin_on(live)
    [alice] = await people(live.http, 1)
    room = await alice.create_room("Flagged links")

    await admin.ok("PATCH", "/api/admin/flags/link_previews", json={"enabled": False})
    off = await alice.send(room["id"], web.url("/page/Off"))
    await settled(live)
    await admin.ok("PATCH", "/api/admin/flags/link_previews", json={"enabled": True})
    on = await alice.send(room["id"], web.url("/page/On"))
    await settled(live)

    assert await cards(alice, room["id"], off["id"]) == [] and web.hits["/page/Off"] == 0
    assert len(await cards(alice, room["id"], on["id"])) == 1
