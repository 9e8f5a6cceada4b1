"""A room's record (what a send, a history read or a subscription needs to authorize) is kept decoded
in each instance; a change made through one instance is seen at once through the other, whose copy was
warm: a rename, slow mode, a member leaving, a channel deleted. In scaled mode the two instances name
their database differently, so nothing reaches the other but the invalidation bus over Redis; embedded
mode runs one instance, so there the change is made and read through it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sanctum.settings import Settings
from tests.conftest import ClientFactory, ScaledServers, SettingsFactory
from tests.integration.chat.chat_api import Person
from tests.support.http import error_of
from tests.support.metrics import sample_value
from tests.support.social_api import Member, member

SCALED_ONLY = pytest.mark.scaled_only


def elsewhere(settings: Settings) -> Settings:
    """The same database under another URL: invalidations between two instances of this process then
    go through Redis only (the in-process shortcut is keyed by the URL, cache/local.py)."""
    url = settings.database_url
    return settings.model_copy(
        update={"database_url": f"{url}{'&' if '?' in url else '?'}prepared_statement_cache_size=100"}
    )


async def two_instances(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
    """Two instances in scaled mode; in embedded mode, which runs one instance, two clients of it."""
    settings = make_settings()
    one = await make_client(settings)
    if not settings.uses_postgres:
        return one, one
    return one, await make_client(elsewhere(settings))


def on(http: httpx.AsyncClient, someone: Person) -> Member:
    """The same account, calling another instance."""
    return Member(http, someone.user)


async def near_hits(http: httpx.AsyncClient) -> float:
    return await sample_value(http, "cache_requests_total", cache="room_near", result="hit")


async def warm(room_id: str, *readers: Person) -> None:
    for reader in readers:
        await reader.room(room_id)
        await reader.newest(room_id)


async def test_a_room_read_twice_on_an_instance_is_served_from_its_own_copy(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    one, _ = await two_instances(make_client, make_settings)
    alice = await member(one)
    room = await alice.create_room("Near")
    await alice.room(room["id"])

    before = await near_hits(one)
    await alice.send(room["id"], "hello")
    await alice.newest(room["id"])
    assert (await alice.room(room["id"]))["name"] == "Near"

    assert await near_hits(one) >= before + 3


async def test_a_rename_and_slow_mode_made_on_one_instance_are_seen_at_once_on_the_other(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    one, two = await two_instances(make_client, make_settings)
    alice = await member(one)
    bob = on(two, await member(one))
    room = await alice.create_room("Before")
    await bob.join(room["id"])
    await bob.send(room["id"], "warming")
    await warm(room["id"], alice, bob)

    await alice.update_room(room["id"], name="After", topic="a new topic", slow_mode_seconds=3600)

    seen = await bob.room(room["id"])
    assert (seen["name"], seen["topic"], seen["slow_mode_seconds"]) == ("After", "a new topic", 3600)
    await bob.send(room["id"], "my one message this hour")
    again = await bob.call("POST", f"/api/rooms/{room['id']}/messages", json={"body": "again"})
    assert error_of(again, 429, "RATE_LIMITED")["details"]["limit"] == "slow_mode"


async def test_a_member_who_left_through_one_instance_is_refused_at_once_on_the_other(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    one, two = await two_instances(make_client, make_settings)
    alice = await member(one)
    bob_here = await member(one)
    bob_there = on(two, bob_here)
    public = await alice.create_room("Open")
    private = await alice.create_room("Closed", kind="private")
    await bob_here.join(public["id"])
    await alice.invite(private["id"], bob_here.id)
    for room in (public, private):
        await bob_there.send(room["id"], "still here")
        await warm(room["id"], alice, bob_there)
    assert (await bob_there.room(public["id"]))["member_count"] == 2

    await bob_here.leave(public["id"])
    await bob_here.leave(private["id"])

    error_of(
        await bob_there.call("POST", f"/api/rooms/{public['id']}/messages", json={"body": "hi"}), 403, "NOT_A_MEMBER"
    )
    assert (await bob_there.room(public["id"]))["member_count"] == 1
    for path in (f"/api/rooms/{private['id']}", f"/api/rooms/{private['id']}/messages"):
        error_of(await bob_there.call("GET", path), 404, "ROOM_NOT_FOUND")
    error_of(
        await bob_there.call("POST", f"/api/rooms/{private['id']}/messages", json={"body": "hi"}), 404, "ROOM_NOT_FOUND"
    )


async def test_a_channel_deleted_through_one_instance_is_gone_at_once_on_the_other(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    one, two = await two_instances(make_client, make_settings)
    alice = await member(one)
    bob = on(two, await member(one))
    sanctum = await alice.create_sanctum("Channels", "public")
    await bob.join_sanctum(sanctum["slug"])
    made: dict[str, Any] = await alice.ok(
        "POST", f"/api/sanctums/{sanctum['slug']}/channels", 201, json={"name": "doomed"}
    )
    await bob.send(made["id"], "before")
    await warm(made["id"], alice, bob)

    await alice.ok("DELETE", f"/api/sanctums/{sanctum['slug']}/channels/{made['id']}", 204)

    error_of(await bob.call("GET", f"/api/rooms/{made['id']}"), 404, "ROOM_NOT_FOUND")
    error_of(await bob.call("POST", f"/api/rooms/{made['id']}/messages", json={"body": "after"}), 404, "ROOM_NOT_FOUND")
    error_of(await bob.call("GET", f"/api/rooms/{made['id']}/messages"), 404, "ROOM_NOT_FOUND")


@SCALED_ONLY
async def test_with_redis_stopped_a_rename_on_one_instance_is_still_seen_on_the_other_and_after_it_is_back(
    make_client: ClientFactory, make_settings: SettingsFactory, scaled_servers: ScaledServers
) -> None:
    one, two = await two_instances(make_client, make_settings)
    alice = await member(one)
    bob = on(two, await member(one))
    room = await alice.create_room("Before the outage")
    await bob.join(room["id"])
    await warm(room["id"], alice, bob)

    async with scaled_servers.stopped(scaled_servers.redis):
        await alice.update_room(room["id"], name="During the outage")
        assert (await bob.room(room["id"]))["name"] == "During the outage"
        await bob.send(room["id"], "still sending")

    await warm(room["id"], bob)
    await alice.update_room(room["id"], name="After the outage")
    assert (await bob.room(room["id"]))["name"] == "After the outage"
