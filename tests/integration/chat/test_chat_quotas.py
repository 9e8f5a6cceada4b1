"""Quotas protect the instance: rooms, groups and sanctums an account may own, people in a group; each
refused with QUOTA_EXCEEDED (403, naming the quota), not a 429, and configurable."""

from __future__ import annotations

import httpx

from sanctum.settings import QuotaSettings
from tests.conftest import ClientFactory, SettingsFactory
from tests.support.http import error_of
from tests.support.social_api import members


def quota_exceeded(response: httpx.Response, quota: str, limit: int) -> None:
    error = error_of(response, 403, "QUOTA_EXCEEDED")
    assert error["details"] == {"quota": quota, "limit": limit}


async def test_an_account_at_its_room_quota_is_refused_but_still_starts_groups_and_others_create_rooms(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    http = await make_client(make_settings(quotas=QuotaSettings(rooms_per_account=2, groups_per_account=1)))
    alice, bob = await members(http, 2)
    await alice.create_room("one")
    await alice.create_room("two", kind="private")

    refused = await alice.call("POST", "/api/rooms", json={"name": "three", "kind": "public"})
    await alice.create_room("a group", kind="group", member_ids=[bob.id])
    second_group = await alice.call("POST", "/api/rooms", json={"name": "another", "kind": "group"})
    await bob.create_room("bob's")

    quota_exceeded(refused, "rooms_per_account", 2)
    assert refused.json()["error"]["message"] == "You already own 2 rooms; delete or hand one over first."
    quota_exceeded(second_group, "groups_per_account", 1)


async def test_an_account_at_its_sanctum_quota_is_refused(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    http = await make_client(make_settings(quotas=QuotaSettings(sanctums_per_account=1)))
    (alice,) = await members(http, 1)
    await alice.create_sanctum("Mine")

    refused = await alice.call("POST", "/api/sanctums", json={"name": "Another", "slug": "another-one"})

    quota_exceeded(refused, "sanctums_per_account", 1)
    assert (await alice.call("GET", "/api/sanctums/another-one")).status_code == 404


async def test_a_group_holds_at_most_the_configured_number_of_people(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    http = await make_client(make_settings(quotas=QuotaSettings(group_members=3)))
    alice, bob, carol, dave = await members(http, 4)

    too_many = await alice.call(
        "POST", "/api/rooms", json={"name": "crowd", "kind": "group", "member_ids": [bob.id, carol.id, dave.id]}
    )
    group = await alice.create_room("trio", kind="group", member_ids=[bob.id, carol.id])
    full = await alice.call("POST", f"/api/rooms/{group['id']}/invite", json={"user_id": dave.id})

    assert error_of(too_many, 422, "VALIDATION_FAILED")["fields"] == {"member_ids": "a group has at most 3 people"}
    error_of(full, 409, "ROOM_FULL")
