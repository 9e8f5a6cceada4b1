"""Cache correctness: after any mutation the next read by the people it affects shows the new state.

Every test first reads each cached view (room list, room metadata, directory, newest history page)
as everyone involved, so the pre-mutation state is in the cache when the mutation happens.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import ScaledServers
from tests.integration.chat.chat_api import Person, ids, people, person
from tests.support.live import eventually
from tests.support.metrics import sample_value, scrape

QUERY = "cached"


async def warm(room_id: str, *readers: Person) -> None:
    """Read every cached view of the room as each reader, which puts it in the cache."""
    for reader in readers:
        await reader.my_rooms()
        await reader.room(room_id)
        await reader.directory(q=QUERY)
        await reader.newest(room_id)


async def scene(client: httpx.AsyncClient) -> tuple[Person, Person, Person, dict[str, Any], dict[str, Any]]:
    """Alice owns a public room Bob is in, with one message from her; Carol is not in it. Bob is also in
    a room of his own, which is more recent. Caches are warm for all three."""
    alice, bob, carol = await people(client, 3)
    room = await alice.create_room("Cached room")
    await bob.join(room["id"])
    message = await alice.send(room["id"], "before")
    other = await bob.create_room("Bob's own")
    await warm(room["id"], alice, bob, carol)
    assert [entry["room"]["id"] for entry in await bob.my_rooms()] == [other["id"], room["id"]]
    return alice, bob, carol, room, message


def listed(directory: dict[str, Any], room_id: str) -> dict[str, Any] | None:
    return next((r for r in directory["items"] if r["id"] == room_id), None)


async def room_order(reader: Person) -> list[str]:
    return [entry["room"]["id"] for entry in await reader.my_rooms()]


async def test_message_changes_show_at_once_in_history_and_room_lists(client: httpx.AsyncClient) -> None:
    alice, bob, carol, room, message = await scene(client)
    own = (await room_order(bob))[0]
    everyone = (alice, bob, carol)

    # send
    sent = await alice.send(room["id"], "after")
    for reader in everyone:
        assert (await reader.newest(room["id"]))[0]["id"] == sent["id"]
    for reader in (alice, bob):
        assert (await reader.my_room(room["id"]))["last_message"]["id"] == sent["id"]
    assert await room_order(bob) == [room["id"], own]
    assert await bob.unread(room["id"]) == 2
    assert (await bob.room(room["id"]))["last_activity_at"] == sent["created_at"]

    # a thread reply: the parent's count, and activity in the room, which moves it up the lists
    await bob.send(own, "my own room is more recent now")
    await warm(room["id"], *everyone)
    reply = await alice.reply(room["id"], message["id"], "in the thread")
    parent = await bob.message(room["id"], message["id"])
    assert (parent["reply_count"], parent["last_reply_at"]) == (1, reply["created_at"])
    assert await room_order(bob) == [room["id"], own]
    entry = await bob.my_room(room["id"])
    assert entry["room"]["last_activity_at"] == (await bob.room(room["id"]))["last_activity_at"]
    assert entry["unread_count"] == 2  # replies are not unread in the room

    # edit
    await warm(room["id"], *everyone)
    await alice.edit(room["id"], sent["id"], "edited")
    for reader in everyone:
        shown = await reader.message(room["id"], sent["id"])
        assert (shown["body"], shown["html"]) == ("edited", "<p>edited</p>") and shown["edited_at"] is not None
    for reader in (alice, bob):
        last = (await reader.my_room(room["id"]))["last_message"]
        assert (last["id"], last["body"]) == (sent["id"], "edited")

    # react, then take it back
    await warm(room["id"], *everyone)
    await bob.react(room["id"], sent["id"], "👍")
    mine, theirs = [{"emoji": "👍", "count": 1, "me": True}], [{"emoji": "👍", "count": 1, "me": False}]
    assert (await bob.message(room["id"], sent["id"]))["reactions"] == mine
    for reader in (alice, carol):
        assert (await reader.message(room["id"], sent["id"]))["reactions"] == theirs
    assert (await bob.my_room(room["id"]))["last_message"]["reactions"] == mine
    assert (await alice.my_room(room["id"]))["last_message"]["reactions"] == theirs
    await warm(room["id"], *everyone)
    await bob.unreact(room["id"], sent["id"], "👍")
    assert (await alice.message(room["id"], sent["id"]))["reactions"] == []
    assert (await bob.my_room(room["id"]))["last_message"]["reactions"] == []

    # delete
    await warm(room["id"], *everyone)
    await alice.delete(room["id"], sent["id"])
    for reader in everyone:
        shown = await reader.message(room["id"], sent["id"])
        assert shown["deleted"] is True and shown["body"] == ""
    for reader in (alice, bob):
        last = (await reader.my_room(room["id"]))["last_message"]
        assert last["deleted"] is True and last["body"] == ""
    assert await bob.unread(room["id"]) == 1

    # read
    await warm(room["id"], *everyone)
    await bob.mark_read(room["id"], message["id"])
    assert await bob.unread(room["id"]) == 0
    assert (await bob.my_room(room["id"]))["room"]["last_read_message_id"] == message["id"]
    assert (await bob.room(room["id"]))["last_read_message_id"] == message["id"]


async def test_membership_and_room_changes_show_at_once_in_metadata_directory_and_lists(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol, room, _ = await scene(client)
    dave = await person(client)
    everyone = (alice, bob, carol, dave)
    await warm(room["id"], dave)

    async def shown_everywhere(members: int, line: str) -> None:
        for reader in everyone:
            assert (await reader.room(room["id"]))["member_count"] == members
            assert listed(await reader.directory(q=QUERY), room["id"])["member_count"] == members
            assert (await reader.newest(room["id"]))[0]["body"] == line
        assert (await alice.my_room(room["id"]))["last_message"]["body"] == line

    # join
    await carol.join(room["id"])
    await shown_everywhere(3, f"{carol.username} joined the room")
    assert (await carol.room(room["id"]))["my_role"] == "member"
    assert await room_order(carol) == [room["id"]]

    # invite
    await warm(room["id"], *everyone)
    await alice.invite(room["id"], dave.id)
    await shown_everywhere(4, f"{alice.username} added {dave.username}")
    assert (await dave.room(room["id"]))["my_role"] == "member"
    assert await room_order(dave) == [room["id"]]

    # leave
    await warm(room["id"], *everyone)
    await bob.leave(room["id"])
    await shown_everywhere(3, f"{bob.username} left the room")
    assert (await bob.room(room["id"]))["my_role"] is None
    assert room["id"] not in await room_order(bob)

    # rename
    await warm(room["id"], *everyone)
    await alice.update_room(room["id"], name="Cached, renamed", topic="new topic")
    for reader in everyone:
        shown = await reader.room(room["id"])
        assert (shown["name"], shown["topic"]) == ("Cached, renamed", "new topic")
        entry = listed(await reader.directory(q=QUERY), room["id"])
        assert (entry["name"], entry["topic"]) == ("Cached, renamed", "new topic")
    for reader in (alice, carol, dave):
        assert (await reader.my_room(room["id"]))["room"]["name"] == "Cached, renamed"

    # a new room and a new DM
    await warm(room["id"], *everyone)
    created = await carol.create_room("Also cached")
    dm = await carol.dm(bob)
    assert listed(await alice.directory(q=QUERY), created["id"]) is not None
    assert await room_order(carol) == [dm["id"], created["id"], room["id"]]
    assert dm["id"] in await room_order(bob)


async def cache_hits(client: httpx.AsyncClient) -> dict[str, float]:
    """Hits per cached view; a history page or a room's record may come from this instance's decoded
    copy ("history_near", "room_near")."""
    hits = {
        name: await sample_value(client, "cache_requests_total", cache=name, result="hit")
        for name in ("history", "history_near", "myrooms", "room", "room_near", "directory")
    }
    hits["history"] += hits.pop("history_near")
    hits["room"] += hits.pop("room_near")
    return hits


async def test_repeated_reads_are_served_from_the_cache(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Cached reads")
    await bob.join(room["id"])
    await alice.send(room["id"], "hello")
    for read in (bob.newest(room["id"]), bob.my_rooms(), bob.room(room["id"]), bob.directory(q=QUERY)):
        await read  # each view is loaded into the cache once

    before = await cache_hits(client)
    first_page = await bob.newest(room["id"])
    second_page = await bob.newest(room["id"])
    await bob.my_rooms()
    await bob.room(room["id"])
    await bob.directory(q=QUERY)
    after = await cache_hits(client)

    assert after["history"] >= before["history"] + 2
    assert after["myrooms"] >= before["myrooms"] + 1
    assert after["room"] >= before["room"] + 1
    assert after["directory"] >= before["directory"] + 1
    assert ids(first_page) == ids(second_page)


async def test_a_cached_page_shows_each_reader_their_own_reactions(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await people(client, 3)
    room = await alice.create_room("Shared page")
    await bob.join(room["id"])
    await carol.join(room["id"])
    sent = await alice.send(room["id"], "react here")
    await bob.react(room["id"], sent["id"], "👍")
    await carol.react(room["id"], sent["id"], "🎉")
    before = await cache_hits(client)

    for _ in range(2):  # every reader after the first is served the one cached page
        for reader, mine in ((bob, {"👍"}), (carol, {"🎉"}), (alice, set())):
            shown = (await reader.newest(room["id"]))[0]
            assert shown["id"] == sent["id"]
            assert {r["emoji"]: (r["count"], r["me"]) for r in shown["reactions"]} == {
                "👍": (1, "👍" in mine),
                "🎉": (1, "🎉" in mine),
            }
    assert (await cache_hits(client))["history"] >= before["history"] + 5


# -- Redis stopped (scaled) --------------------------------------------------------------------


async def check_views(alice: Person, bob: Person, carol: Person, room: dict[str, Any], state: dict[str, Any]) -> None:
    """Every cached view shows `state`, for everyone."""
    for reader in (alice, bob, carol):
        shown = await reader.room(room["id"])
        assert (shown["name"], shown["member_count"]) == (state["name"], state["members"])
        entry = listed(await reader.directory(q=QUERY), room["id"])
        assert entry is not None and (entry["name"], entry["member_count"]) == (state["name"], state["members"])
        newest = await reader.newest(room["id"])
        assert newest[0]["id"] == state["last"]
        assert {m["id"]: m["reactions"] for m in newest}[state["reacted"]][0]["count"] == 1
        assert {m["id"]: m["deleted"] for m in newest}[state["deleted"]] is True
    for reader in (alice, carol):
        entry = await reader.my_room(room["id"])
        assert entry["room"]["name"] == state["name"] and entry["last_message"]["id"] == state["last"]
    assert room["id"] not in await room_order(bob)


async def cache_errors(client: httpx.AsyncClient) -> float:
    """Failed Redis operations of the cache, whatever the operation."""
    return sum(
        s.value
        for s in await scrape(client)
        if s.name == "redis_errors_total" and s.labels.get("operation", "").startswith("cache_")
    )


@pytest.mark.scaled_only
async def test_with_redis_stopped_every_endpoint_works_from_the_database_and_reads_stay_correct(
    client: httpx.AsyncClient, scaled_servers: ScaledServers
) -> None:
    alice, bob, carol, room, message = await scene(client)
    extra = await alice.send(room["id"], "to be deleted")
    await warm(room["id"], alice, bob, carol)
    errors_before = await cache_errors(client)

    async with scaled_servers.stopped(scaled_servers.redis):
        created = await carol.create_room("Cached while Redis is down")
        assert listed(await alice.directory(q=QUERY), created["id"]) is not None
        await carol.join(room["id"])
        await alice.update_room(room["id"], name="Cached, renamed")
        sent = await alice.send(room["id"], f"during the outage @{carol.username}", client_id="outage-1")
        again = await alice.send(room["id"], "retry", status=200, client_id="outage-1")
        reply = await carol.reply(room["id"], sent["id"], "a reply")
        await alice.edit(room["id"], message["id"], "edited while down")
        await carol.react(room["id"], message["id"], "👍")
        await alice.delete(room["id"], extra["id"])
        read = await carol.mark_read(room["id"], sent["id"])
        dm = await carol.dm(alice)
        await carol.send(dm["id"], "psst")
        await bob.leave(room["id"])
        members = await carol.invite(created["id"], bob.id)
        thread = await alice.thread(room["id"], sent["id"])
        older = await alice.history(room["id"], before=sent["id"], limit=5)
        newer = await alice.history(room["id"], after=message["id"], limit=5)
        mentions = await carol.mentions()
        state = {
            "name": "Cached, renamed",
            "members": 2,
            "last": (await alice.newest(room["id"]))[0]["id"],
            "reacted": message["id"],
            "deleted": extra["id"],
        }
        await check_views(alice, bob, carol, room, state)
        errors_during = await cache_errors(client)

    assert again["id"] == sent["id"]
    assert read["unread_count"] == 0
    assert ids(thread["replies"]) == [reply["id"]]
    assert sent["id"] not in ids(older["items"]) and sent["id"] in ids(newer["items"])
    assert [m["message"]["id"] for m in mentions["items"]] == [sent["id"]]
    assert {m["user"]["id"] for m in members} == {carol.id, bob.id}
    assert errors_during > errors_before  # the reads above really went around a dead Redis
    # Redis is back, with what it held before it stopped: reads must still show the new state.
    await check_views(alice, bob, carol, room, state)
    assert (await alice.message(room["id"], message["id"]))["body"] == "edited while down"
    assert await room_order(carol) == [created["id"], room["id"], dm["id"]]  # by the latest activity of each
    # And the cache is used again, once the Redis breaker's next probe has closed it.
    hits = (await cache_hits(client))["history"]

    async def cached_again() -> bool:
        await alice.newest(room["id"])
        return bool((await cache_hits(client))["history"] > hits)

    await eventually(cached_again, within=15.0, interval=0.2)
