"""Sanctums: founding, discovery, visibility, roles, and the main chat room kept in step with members."""

from __future__ import annotations

import httpx

from tests.support.http import error_of
from tests.support.social_api import members, new_slug


async def test_founding_a_sanctum_makes_the_founder_owner_of_it_and_of_its_own_chat_room(
    client: httpx.AsyncClient,
) -> None:
    (alice,) = await members(client, 1)
    slug = new_slug("founded")

    created = await alice.create_sanctum("Gardeners", slug=slug, description="We grow things")
    room = await alice.room(created["room_id"])

    assert (created["slug"], created["name"], created["visibility"]) == (slug, "Gardeners", "public")
    assert (created["my_role"], created["member_count"]) == ("owner", 1)
    assert (room["sanctum_id"], room["name"], room["kind"], room["my_role"]) == (
        created["id"],
        "Gardeners",
        "private",
        "owner",
    )
    assert await alice.sanctum(slug) == created
    assert [s["slug"] for s in await alice.my_sanctums()] == [slug]


async def test_a_taken_slug_is_a_conflict_and_bad_slugs_are_refused(client: httpx.AsyncClient) -> None:
    alice, bob = await members(client, 2)
    taken = (await alice.create_sanctum())["slug"]

    error_of(await bob.call("POST", "/api/sanctums", json={"name": "x", "slug": taken}), 409, "SLUG_TAKEN")
    for bad in ("UPPER", "-edge", "a", "with space", "x" * 41):
        response = await bob.call("POST", "/api/sanctums", json={"name": "x", "slug": bad})
        assert error_of(response, 422, "VALIDATION_FAILED")["fields"].keys() == {"slug"}, bad


async def test_discovery_lists_public_sanctums_by_name_with_search_and_a_stable_cursor(
    client: httpx.AsyncClient,
) -> None:
    alice, bob = await members(client, 2)
    names = ["Zebra club", "Apple growers", "Moss lovers", "Apple pickers"]
    for name in names:
        await alice.create_sanctum(name)
    await alice.create_sanctum("Apple secret society", visibility="private")

    first = await bob.discover(limit=2)
    await alice.create_sanctum("Aardvarks")  # sorts before the cursor: must not shift the next page
    second = await bob.discover(limit=2, cursor=first["next_cursor"])
    searched = await bob.discover(q="APPLE")

    assert [s["name"] for s in first["items"]] == ["Apple growers", "Apple pickers"]
    assert [s["name"] for s in second["items"]] == ["Moss lovers", "Zebra club"]
    assert second["next_cursor"] is None
    assert {s["name"] for s in searched["items"]} == {"Apple growers", "Apple pickers"}
    assert all(s["my_role"] is None for s in searched["items"])
    error_of(await bob.call("GET", "/api/sanctums", params={"cursor": "garbage!"}), 422, "VALIDATION_FAILED")


async def test_joining_and_leaving_keeps_the_sanctum_room_in_step(client: httpx.AsyncClient) -> None:
    alice, bob = await members(client, 2)
    sanctum = await alice.create_sanctum()
    slug, room_id = sanctum["slug"], sanctum["room_id"]

    joined = await bob.join_sanctum(slug)
    again = await bob.join_sanctum(slug)
    in_room = await alice.member_roles(room_id)
    await bob.send(room_id, "hello sanctum")
    await bob.leave_sanctum(slug)

    assert (joined["my_role"], joined["member_count"], again["member_count"]) == ("member", 2, 2)
    assert in_room == {alice.id: "owner", bob.id: "member"}
    assert await alice.member_roles(room_id) == {alice.id: "owner"}
    assert (await alice.sanctum(slug))["member_count"] == 1
    error_of(await bob.call("GET", f"/api/rooms/{room_id}"), 404, "ROOM_NOT_FOUND")
    # The room is the sanctum's: chat cannot be used to get in or out of it.
    error_of(await bob.call("POST", f"/api/rooms/{room_id}/join"), 404, "ROOM_NOT_FOUND")
    error_of(await alice.call("POST", f"/api/rooms/{room_id}/leave"), 409, "SANCTUM_ROOM")
    invite = await alice.call("POST", f"/api/rooms/{room_id}/invite", json={"user_id": bob.id})
    error_of(invite, 409, "SANCTUM_ROOM")


async def test_a_private_sanctum_is_invisible_to_non_members_until_a_moderator_adds_them(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, eve = await members(client, 3)
    sanctum = await alice.create_sanctum("Hidden", visibility="private")
    slug = sanctum["slug"]

    for method, path in [
        ("GET", f"/api/sanctums/{slug}"),
        ("GET", f"/api/sanctums/{slug}/members"),
        ("GET", f"/api/sanctums/{slug}/posts"),
        ("POST", f"/api/sanctums/{slug}/join"),
    ]:
        error_of(await eve.call(method, path), 404, "SANCTUM_NOT_FOUND")
    assert slug not in [s["slug"] for s in (await eve.discover(q="Hidden"))["items"]]

    await alice.add_to_sanctum(slug, bob.id)
    added = await bob.sanctum(slug)
    refused = await bob.call("POST", f"/api/sanctums/{slug}/members", json={"user_id": eve.id})

    assert added["my_role"] == "member"
    assert bob.id in await alice.member_roles(sanctum["room_id"])
    error_of(refused, 403, "NOT_MODERATOR")


async def test_only_the_owner_changes_roles_and_removes_and_moderators_may_edit(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await members(client, 3)
    sanctum = await alice.create_sanctum()
    slug, room_id = sanctum["slug"], sanctum["room_id"]
    await bob.join_sanctum(slug)
    await carol.join_sanctum(slug)

    error_of(await bob.call("PATCH", f"/api/sanctums/{slug}", json={"name": "mine"}), 403, "NOT_MODERATOR")
    await alice.set_role(slug, bob.id, "moderator")
    renamed = await bob.update_sanctum(slug, name="Renamed", description="by a moderator")
    promote = await bob.call("PUT", f"/api/sanctums/{slug}/members/{carol.id}/role", json={"role": "moderator"})
    remove = await bob.call("DELETE", f"/api/sanctums/{slug}/members/{carol.id}")
    bad_role = await alice.call("PUT", f"/api/sanctums/{slug}/members/{carol.id}/role", json={"role": "owner"})
    room_roles = await alice.member_roles(room_id)
    await alice.remove_from_sanctum(slug, carol.id)

    assert (renamed["name"], renamed["description"]) == ("Renamed", "by a moderator")
    assert (await alice.room(room_id))["name"] == "Renamed"
    error_of(promote, 403, "NOT_OWNER")
    error_of(remove, 403, "NOT_OWNER")
    error_of(bad_role, 422, "VALIDATION_FAILED")
    assert room_roles == {alice.id: "owner", bob.id: "moderator", carol.id: "member"}
    assert await alice.sanctum_roles(slug) == {alice.id: "owner", bob.id: "moderator"}
    assert carol.id not in await alice.member_roles(room_id)
    error_of(await alice.call("DELETE", f"/api/sanctums/{slug}/members/{carol.id}"), 404, "MEMBER_NOT_FOUND")


async def test_an_owner_hands_the_sanctum_over_before_leaving_and_stays_a_moderator_until_then(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol = await members(client, 3)
    sanctum = await alice.create_sanctum()
    slug = sanctum["slug"]
    await bob.join_sanctum(slug)
    await carol.join_sanctum(slug)

    error_of(await alice.call("POST", f"/api/sanctums/{slug}/leave"), 409, "OWNER_MUST_TRANSFER")
    error_of(await bob.call("POST", f"/api/sanctums/{slug}/transfer", json={"user_id": carol.id}), 403, "NOT_OWNER")
    stranger = (await members(client, 1))[0]
    error_of(
        await alice.call("POST", f"/api/sanctums/{slug}/transfer", json={"user_id": stranger.id}),
        404,
        "MEMBER_NOT_FOUND",
    )
    await alice.ok("POST", f"/api/sanctums/{slug}/transfer", json={"user_id": carol.id})

    assert await bob.sanctum_roles(slug) == {alice.id: "moderator", bob.id: "member", carol.id: "owner"}
    assert (await carol.room(sanctum["room_id"]))["my_role"] == "owner"
    assert (await alice.room(sanctum["room_id"]))["my_role"] == "moderator"
    await alice.leave_sanctum(slug)
    assert await bob.sanctum_roles(slug) == {bob.id: "member", carol.id: "owner"}
    error_of(await alice.call("POST", f"/api/sanctums/{slug}/leave"), 403, "NOT_A_MEMBER")


async def test_whoever_joins_a_sanctum_everyone_left_becomes_its_owner(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await members(client, 3)
    sanctum = await alice.create_sanctum()
    await alice.leave_sanctum(sanctum["slug"])

    joined = await bob.join_sanctum(sanctum["slug"])
    await carol.join_sanctum(sanctum["slug"])

    assert joined["my_role"] == "owner"
    assert await carol.sanctum_roles(sanctum["slug"]) == {bob.id: "owner", carol.id: "member"}
    assert (await bob.room(sanctum["room_id"]))["my_role"] == "owner"


async def test_the_member_directory_lists_the_owner_then_moderators_then_members_and_searches_by_name(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol, dave = await members(client, 4)
    slug = (await alice.create_sanctum())["slug"]
    for person in (bob, carol, dave):
        await person.join_sanctum(slug)
    await alice.ok("PUT", f"/api/sanctums/{slug}/members/{dave.id}/role", json={"role": "moderator"})
    await carol.ok("PATCH", "/api/users/me", json={"display_name": "Zed Quill"})
    path = f"/api/sanctums/{slug}/members"

    listed = (await bob.ok("GET", path))["items"]
    assert [(m["user"]["username"], m["role"]) for m in listed] == [
        (alice.username, "owner"),
        (dave.username, "moderator"),
        (bob.username, "member"),
        (carol.username, "member"),  # "Zed Quill" after bob's "member…": by display name
    ]
    assert "email" not in str(listed)
    found = (await bob.ok("GET", path, params={"q": "qui"}))["items"]
    assert [m["user"]["username"] for m in found] == [carol.username]
    assert [m["user"]["username"] for m in (await bob.ok("GET", path, params={"q": f"@{bob.username}"}))["items"]] == [
        bob.username
    ]
    moderators = (await bob.ok("GET", path, params={"role": "moderator"}))["items"]
    assert [m["user"]["username"] for m in moderators] == [dave.username]
    error_of(await bob.call("GET", path, params={"q": "a\x00"}), 422, "VALIDATION_FAILED")
    error_of(await bob.call("GET", path, params={"role": "King!"}), 422, "VALIDATION_FAILED")
