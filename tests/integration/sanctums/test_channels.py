"""Channels: a sanctum's rooms besides its main room, made and ordered by owners and moderators,
holding exactly the sanctum's members; outsiders never see them, and leaving the sanctum leaves them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.http import error_of
from tests.support.social_api import Member, members


async def channel(owner: Member, sanctum: dict[str, Any], name: str, **fields: Any) -> dict[str, Any]:
    return await owner.ok("POST", f"/api/sanctums/{sanctum['slug']}/channels", 201, json={"name": name, **fields})


async def channel_names(person: Member, sanctum: dict[str, Any]) -> list[str]:
    return [c["name"] for c in (await person.ok("GET", f"/api/sanctums/{sanctum['slug']}/channels"))["items"]]


async def my_room_ids(person: Member) -> set[str]:
    return {r["room"]["id"] for r in (await person.ok("GET", "/api/users/me/rooms"))["items"]}


async def test_a_channel_holds_every_member_with_their_role_and_the_main_room_stays_the_one(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol = await members(client, 3)
    sanctum = await alice.create_sanctum("Garden", "private")
    await alice.add_to_sanctum(sanctum["slug"], bob.id)
    await alice.set_role(sanctum["slug"], bob.id, "moderator")

    made = await channel(alice, sanctum, "Seeds", topic="What to sow")
    await alice.add_to_sanctum(sanctum["slug"], carol.id)  # joins after: in every channel too
    room = await carol.room(made["id"])

    assert (made["name"], made["topic"], made["position"], made["sanctum_id"]) == (
        "Seeds",
        "What to sow",
        1,
        sanctum["id"],
    )
    assert await alice.member_roles(made["id"]) == {alice.id: "owner", bob.id: "moderator", carol.id: "member"}
    assert (room["kind"], room["channel_of"], room["sanctum_id"], room["member_count"]) == (
        "private",
        sanctum["id"],
        None,
        3,
    )
    assert (await carol.sanctum(sanctum["slug"]))["room_id"] == sanctum["room_id"]
    assert {made["id"], sanctum["room_id"]} <= await my_room_ids(carol)
    assert await channel_names(carol, sanctum) == ["Seeds"]  # the main room is not a channel
    await carol.send(made["id"], "hello seeds")
    # A channel is the sanctum's: chat cannot be used to get in or out of it.
    error_of(await carol.call("POST", f"/api/rooms/{made['id']}/leave"), 409, "SANCTUM_ROOM")
    error_of(
        await alice.call("POST", f"/api/rooms/{made['id']}/invite", json={"user_id": carol.id}), 409, "SANCTUM_ROOM"
    )


async def test_outsiders_never_see_a_sanctums_channels(client: httpx.AsyncClient) -> None:
    alice, outsider = await members(client, 2)
    private = await alice.create_sanctum("Hidden", "private")
    public = await alice.create_sanctum("Open", "public")
    hidden = await channel(alice, private, "Plans")
    members_only = await channel(alice, public, "Members only")

    error_of(await outsider.call("GET", f"/api/sanctums/{private['slug']}/channels"), 404, "SANCTUM_NOT_FOUND")
    error_of(await outsider.call("GET", f"/api/sanctums/{public['slug']}/channels"), 403, "NOT_A_MEMBER")
    for room in (hidden, members_only):
        error_of(await outsider.call("GET", f"/api/rooms/{room['id']}"), 404, "ROOM_NOT_FOUND")
        error_of(await outsider.call("GET", f"/api/rooms/{room['id']}/messages"), 404, "ROOM_NOT_FOUND")
        error_of(await outsider.call("POST", f"/api/rooms/{room['id']}/join"), 404, "ROOM_NOT_FOUND")
    assert not {hidden["id"], members_only["id"]} & await my_room_ids(outsider)
    directory = (await outsider.ok("GET", "/api/rooms", params={"q": "Members only"}))["items"]
    assert directory == []


async def test_a_member_removed_from_the_sanctum_loses_every_channel_at_once(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await members(client, 3)
    sanctum = await alice.create_sanctum("Garden", "public")
    for person in (bob, carol):
        await person.join_sanctum(sanctum["slug"])
    seeds, tools = await channel(alice, sanctum, "Seeds"), await channel(alice, sanctum, "Tools")

    await alice.remove_from_sanctum(sanctum["slug"], bob.id)
    await carol.leave_sanctum(sanctum["slug"])

    for gone in (bob, carol):
        for room in (seeds, tools):
            error_of(await gone.call("GET", f"/api/rooms/{room['id']}"), 404, "ROOM_NOT_FOUND")
            sent = await gone.call("POST", f"/api/rooms/{room['id']}/messages", json={"body": "still here?"})
            error_of(sent, 404, "ROOM_NOT_FOUND")
        assert not {seeds["id"], tools["id"], sanctum["room_id"]} & await my_room_ids(gone)
        error_of(await gone.call("GET", f"/api/sanctums/{sanctum['slug']}/channels"), 403, "NOT_A_MEMBER")
    assert await alice.member_roles(seeds["id"]) == {alice.id: "owner"}
    assert (await alice.room(tools["id"]))["member_count"] == 1


async def test_owners_and_moderators_create_and_order_channels_and_members_do_not(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await members(client, 3)
    sanctum = await alice.create_sanctum("Garden", "public")
    slug = sanctum["slug"]
    for person in (bob, carol):
        await person.join_sanctum(slug)
    await alice.set_role(slug, bob.id, "moderator")
    first = await channel(alice, sanctum, "First")
    second = await channel(bob, sanctum, "Second")
    third = await channel(alice, sanctum, "Third")

    ordered = await bob.ok(
        "PUT", f"/api/sanctums/{slug}/channels/order", json={"room_ids": [third["id"], first["id"], second["id"]]}
    )

    assert [c["name"] for c in ordered["items"]] == ["Third", "First", "Second"]
    assert await channel_names(carol, sanctum) == ["Third", "First", "Second"]
    assert [c["position"] for c in ordered["items"]] == [1, 2, 3]
    assert (await carol.room(third["id"]))["position"] == 1
    error_of(await carol.call("POST", f"/api/sanctums/{slug}/channels", json={"name": "Mine"}), 403, "NOT_MODERATOR")
    refused = await carol.call("PUT", f"/api/sanctums/{slug}/channels/order", json={"room_ids": [first["id"]]})
    error_of(refused, 403, "NOT_MODERATOR")
    for wrong in (
        [first["id"], second["id"]],
        [first["id"], first["id"], second["id"], third["id"]],
        [sanctum["room_id"]],
    ):
        bad = await alice.call("PUT", f"/api/sanctums/{slug}/channels/order", json={"room_ids": wrong})
        assert error_of(bad, 422, "VALIDATION_FAILED")["fields"].keys() == {"room_ids"}
    error_of(await alice.call("POST", f"/api/sanctums/{slug}/channels", json={"name": ""}), 422, "VALIDATION_FAILED")


async def test_sanctum_moderators_rename_a_channel_and_members_cannot(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await members(client, 3)
    sanctum = await alice.create_sanctum("Garden", "public")
    for person in (bob, carol):
        await person.join_sanctum(sanctum["slug"])
    made = await channel(alice, sanctum, "Seeds")
    await alice.set_role(sanctum["slug"], bob.id, "moderator")  # after: the channel follows the sanctum's roles

    renamed = await bob.update_room(made["id"], name="Seedlings", topic="Sow in spring")

    assert (renamed["name"], renamed["topic"]) == ("Seedlings", "Sow in spring")
    assert await channel_names(carol, sanctum) == ["Seedlings"]
    refused = await carol.call("PATCH", f"/api/rooms/{made['id']}", json={"name": "Mine"})
    error_of(refused, 403, "NOT_MODERATOR")


async def test_a_deleted_channel_is_gone_for_every_member_and_only_managers_delete_channels(
    client: httpx.AsyncClient,
) -> None:
    alice, bob = await members(client, 2)
    sanctum = await alice.create_sanctum("Garden", "private")
    await alice.add_to_sanctum(sanctum["slug"], bob.id)
    made = await channel(alice, sanctum, "Weeds")
    await bob.send(made["id"], "pull them")
    path = f"/api/sanctums/{sanctum['slug']}/channels"

    error_of(await bob.call("DELETE", f"{path}/{made['id']}"), 403, "NOT_MODERATOR")
    error_of(await alice.call("DELETE", f"{path}/{sanctum['room_id']}"), 404, "ROOM_NOT_FOUND")  # the main room
    await alice.ok("DELETE", f"{path}/{made['id']}", 204)

    assert await channel_names(bob, sanctum) == []
    assert made["id"] not in await my_room_ids(bob)
    error_of(await bob.call("GET", f"/api/rooms/{made['id']}"), 404, "ROOM_NOT_FOUND")
    error_of(await alice.call("DELETE", f"{path}/{made['id']}"), 404, "ROOM_NOT_FOUND")
    assert sanctum["room_id"] in await my_room_ids(bob)
