"""Site search through the API, both modes: who finds what, the index kept current by edits and
deletes, filters, snippets, pagination, and queries meant to break the engine."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.chat.chat_api import Person, people
from tests.support.images import png


async def search(person: Person, q: str, status: int = 200, **params: Any) -> dict[str, Any]:
    return dict(await person.ok("GET", "/api/search", status, params={"q": q, **params}))


async def found_messages(person: Person, q: str, **params: Any) -> list[int]:
    return [hit["id"] for hit in (await search(person, q, kind="messages", **params))["messages"]["items"]]


async def test_a_member_finds_messages_of_their_rooms_and_dms_and_loses_them_on_leaving(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol = await people(client, 3)
    room = await alice.create_room("plans", "private")
    await alice.invite(room["id"], bob.id)
    said = await alice.send(room["id"], "the quarterly zanzibar offsite is on friday")
    dm = await bob.dm(carol)
    whispered = await bob.send(dm["id"], "zanzibar tickets are booked")

    assert await found_messages(bob, "zanzibar") == [whispered["id"], said["id"]]
    assert await found_messages(carol, "zanzibar") == [whispered["id"]]
    assert await found_messages(alice, "zanzibar") == [said["id"]]
    hit = (await search(bob, "zanzib", kind="messages"))["messages"]["items"][-1]
    assert hit["room_name"] == "plans" and hit["author"]["username"] == alice.username
    assert [s["text"] for s in hit["snippet"] if s["match"]] == ["zanzibar"]
    assert "".join(s["text"] for s in hit["snippet"]) == said["body"]
    dm_hit = (await search(carol, "zanzibar", kind="messages"))["messages"]["items"][0]
    assert dm_hit["room_kind"] == "dm" and dm_hit["room_name"] == (await bob.ok("GET", "/api/users/me"))["display_name"]

    await bob.leave(room["id"])

    assert await found_messages(bob, "zanzibar") == [whispered["id"]]


async def test_someone_removed_from_a_sanctum_no_longer_finds_its_messages_or_posts(
    client: httpx.AsyncClient,
) -> None:
    owner, member = await people(client, 2)
    sanctum = await owner.ok(
        "POST", "/api/sanctums", 201, json={"name": "Quokka Club", "slug": "quokka-club", "visibility": "private"}
    )
    await owner.ok("POST", f"/api/sanctums/{sanctum['slug']}/members", json={"user_id": member.id})
    message = await owner.send(sanctum["room_id"], "quokka meetup at noon")
    post = await owner.ok("POST", "/api/posts", 201, json={"body": "quokka photos inside", "sanctum_id": sanctum["id"]})
    comment = await member.ok("POST", f"/api/posts/{post['id']}/comments", 201, json={"body": "quokka cuteness"})

    results = await search(member, "quokka")
    assert message["id"] in [h["id"] for h in results["messages"]["items"]]  # beside the welcome bot's
    assert [h["id"] for h in results["posts"]["items"]] == [post["id"]]
    assert [h["id"] for h in results["comments"]["items"]] == [comment["id"]]
    assert results["posts"]["items"][0]["sanctum"]["slug"] == "quokka-club"
    assert [h["slug"] for h in results["sanctums"]["items"]] == ["quokka-club"]

    await owner.ok("DELETE", f"/api/sanctums/{sanctum['slug']}/members/{member.id}", 204)

    results = await search(member, "quokka")
    assert {k: [h["id"] for h in v["items"]] for k, v in results.items() if v["items"]} == {}


async def test_edits_and_deletes_change_what_is_found_at_once(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("lobby")
    await bob.join(room["id"])
    first = await alice.send(room["id"], "meet at the lighthouse")
    second = await alice.send(room["id"], "bring the lighthouse map")
    post = await alice.ok("POST", "/api/posts", 201, json={"body": "lighthouse at dawn"})

    await alice.edit(room["id"], first["id"], "meet at the harbour")
    await alice.delete(room["id"], second["id"])
    await alice.ok("PATCH", f"/api/posts/{post['id']}", json={"body": "harbour at dawn"})

    assert await found_messages(bob, "lighthouse") == []
    assert (await search(bob, "lighthouse"))["posts"]["items"] == []
    assert await found_messages(bob, "harbour") == [first["id"]]
    assert [h["id"] for h in (await search(bob, "harbour"))["posts"]["items"]] == [post["id"]]

    await alice.delete(room["id"], first["id"])
    await alice.ok("DELETE", f"/api/posts/{post['id']}", 204)

    assert (await search(bob, "harbour"))["messages"]["items"] == []
    assert (await search(bob, "harbour"))["posts"]["items"] == []


async def test_filters_narrow_messages_by_author_room_date_and_link(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    garden = await alice.create_room("garden")
    kitchen = await alice.create_room("kitchen")
    await bob.join(garden["id"])
    await bob.join(kitchen["id"])
    a1 = await alice.send(garden["id"], "tomato harvest")
    b1 = await bob.send(garden["id"], "tomato recipe https://example.com/soup")
    a2 = await alice.send(kitchen["id"], "tomato sauce")

    assert set(await found_messages(bob, "tomato")) == {a2["id"], b1["id"], a1["id"]}
    assert set(await found_messages(bob, f"tomato from:@{alice.username}")) == {a2["id"], a1["id"]}
    assert set(await found_messages(bob, "tomato in:#garden")) == {b1["id"], a1["id"]}
    assert await found_messages(bob, f"tomato in:#kitchen from:@{bob.username}") == []
    assert set(await found_messages(bob, "tomato has:link")) == {b1["id"]}
    assert await found_messages(bob, "tomato before:2000-01-01") == []
    assert set(await found_messages(bob, "tomato after:2000-01-01")) == {a2["id"], b1["id"], a1["id"]}
    assert await found_messages(bob, "tomato from:@nobody-by-this-name") == []
    # A filtered query lists no rooms or people, only what was written.
    assert (await search(bob, "garden in:#garden"))["rooms"]["items"] == []
    assert [r["name"] for r in (await search(bob, "garden"))["rooms"]["items"]] == ["garden"]


async def test_has_file_finds_the_messages_and_posts_with_an_attachment(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("darkroom")
    await bob.join(room["id"])
    plain = await alice.send(room["id"], "negative scans tonight")
    upload = await alice.ok("POST", "/api/files", 201, params={"name": "scan.png"}, content=png(32, 32))
    scan = {"body": "negative scan one", "attachments": [upload["id"]]}
    attached = await alice.ok("POST", f"/api/rooms/{room['id']}/messages", 201, json=scan)
    leaflet = await bob.ok("POST", "/api/files", 201, params={"name": "leaflet.pdf"}, content=b"%PDF-1.4 negative")
    flyer = {"body": "negative space leaflet", "attachments": [leaflet["id"]]}
    post = await bob.ok("POST", "/api/posts", 201, json=flyer)
    await bob.ok("POST", "/api/posts", 201, json={"body": "negative feedback welcome"})

    assert set(await found_messages(bob, "negative")) == {attached["id"], plain["id"]}
    assert await found_messages(bob, "negative has:file") == [attached["id"]]
    assert await found_messages(bob, f"negative has:file from:@{bob.username}") == []
    assert [h["id"] for h in (await search(alice, "negative has:file"))["posts"]["items"]] == [post["id"]]

    await alice.delete(room["id"], attached["id"])

    assert await found_messages(bob, "negative has:file") == []


async def test_results_page_with_a_cursor_without_repeating_or_skipping(client: httpx.AsyncClient) -> None:
    (alice,) = await people(client, 1)
    room = await alice.create_room("echo")
    sent = [(await alice.send(room["id"], f"pelican number {i}"))["id"] for i in range(7)]

    seen: list[int] = []
    cursor = None
    for _ in range(4):
        page = (await search(alice, "pelican", kind="messages", limit=3, **({"cursor": cursor} if cursor else {})))[
            "messages"
        ]
        seen += [h["id"] for h in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert sorted(seen) == sorted(sent) and len(seen) == len(set(seen))
    assert seen == sorted(sent, reverse=True)  # equal relevance: the newest first


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        "NEAR(a b) OR body:x AND ^y*",
        "a & | ! <-> :* ( ) '",
        "zz* * ** -x +y",
        "column:body",
        "\\\\' OR 1=1 --",
    ],
)
async def test_fts_syntax_in_a_query_is_only_words(client: httpx.AsyncClient, q: str) -> None:
    (alice,) = await people(client, 1)
    room = await alice.create_room("syntax")
    await alice.send(room["id"], "near body column unbalanced zz")

    response = await alice.call("GET", "/api/search", params={"q": q})

    assert response.status_code in (200, 422), response.text


@pytest.mark.parametrize(
    ("q", "field"),
    [
        ("x" * 257, "q"),
        ("hello\x00world", "q"),
        ("hello\u202eworld", "q"),
        ("hello\x07", "q"),
        ("!!! ??? ...", "q"),
        ("before:yesterday hello", "q"),
        ("has:everything hello", "q"),
        ("from:@ hello", "q"),
    ],
)
async def test_hostile_or_empty_queries_are_a_422_naming_q(client: httpx.AsyncClient, q: str, field: str) -> None:
    (alice,) = await people(client, 1)

    response = await alice.call("GET", "/api/search", params={"q": q})

    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["fields"]


async def test_a_forged_cursor_is_a_422_and_the_route_has_a_rate_limit(client: httpx.AsyncClient) -> None:
    (alice,) = await people(client, 1)

    response = await alice.call("GET", "/api/search", params={"q": "x", "kind": "messages", "cursor": "bm90IGpzb24"})

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"cursor": "is not a valid cursor"}
    unauthenticated = await client.get("/api/search", params={"q": "x"})
    assert unauthenticated.status_code == 401


async def test_history_around_a_message_holds_it_with_older_and_newer_ones(client: httpx.AsyncClient) -> None:
    (alice,) = await people(client, 1)
    room = await alice.create_room("long")
    sent = [(await alice.send(room["id"], f"line {i}"))["id"] for i in range(9)]

    page = await alice.history(room["id"], around=sent[4], limit=4)

    assert [m["id"] for m in page["items"]] == [sent[6], sent[5], sent[4], sent[3]]
    assert page["has_more"] and page["has_newer"] and page["next_before"] == sent[3]
    newest = await alice.history(room["id"], around=sent[8], limit=4)
    assert [m["id"] for m in newest["items"]] == sent[8:4:-1] and not newest["has_newer"]
