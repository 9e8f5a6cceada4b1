"""Rooms: POST/GET /api/rooms, GET/PATCH /api/rooms/{id}, join, leave, invite and members."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from tests.integration.chat.chat_api import people, person
from tests.support.http import error_of


async def test_create_room_makes_the_caller_its_owner_and_posts_a_system_line(client: httpx.AsyncClient) -> None:
    alice = await person(client)

    room = await alice.create_room("Book club", topic="Novels", description="Monthly picks.")

    assert room["kind"] == "public"
    assert (room["name"], room["topic"], room["description"]) == ("Book club", "Novels", "Monthly picks.")
    assert room["member_count"] == 1 and room["my_role"] == "owner"
    assert room["sanctum_id"] is None and room["dm_user"] is None
    assert await alice.member_roles(room["id"]) == {alice.id: "owner"}
    [line] = await alice.newest(room["id"])
    assert line["kind"] == "system" and line["body"] == f"{alice.username} created the room"
    assert (await alice.room(room["id"]))["name"] == "Book club"


async def test_create_room_rejects_invalid_input_with_422_and_anonymous_callers_with_401(
    client: httpx.AsyncClient,
) -> None:
    alice = await person(client)

    for body, field in [
        ({"name": "x", "kind": "dm"}, "kind"),
        ({"name": "   "}, "name"),
        ({"name": "n" * 81}, "name"),
        ({"name": "x", "topic": "t" * 251}, "topic"),
        ({"name": "x", "extra": 1}, "extra"),
        ({"name": "x", "kind": "group", "member_ids": [str(uuid.uuid4())]}, "member_ids"),
    ]:
        error = error_of(await alice.call("POST", "/api/rooms", json=body), 422, "VALIDATION_FAILED")
        assert any(field in key for key in error["fields"]), (body, error)
    assert await alice.my_rooms() == []
    error_of(await client.post("/api/rooms", json={"name": "x"}), 401, "UNAUTHORIZED")
    error_of(await client.get("/api/rooms"), 401, "UNAUTHORIZED")
    error_of(await client.get("/api/users/me/rooms"), 401, "UNAUTHORIZED")


async def test_a_group_is_created_with_its_members_and_holds_at_most_20_people(client: httpx.AsyncClient) -> None:
    owner, *others = await people(client, 21)

    too_many = await owner.call(
        "POST", "/api/rooms", json={"name": "big", "kind": "group", "member_ids": [p.id for p in others]}
    )
    # The creator listed among the members, or someone twice, counts once.
    group = await owner.create_room("Group", kind="group", member_ids=[owner.id, *(p.id for p in others[:18])])
    nineteen = await others[0].invite(group["id"], others[18].id)
    full = await owner.call("POST", f"/api/rooms/{group['id']}/invite", json={"user_id": others[19].id})

    error_of(too_many, 422, "VALIDATION_FAILED")
    assert group["member_count"] == 19 and len(nineteen) == 20
    roles = await others[5].member_roles(group["id"])
    assert roles[owner.id] == "owner" and {roles[p.id] for p in others[:19]} == {"member"}
    assert group["id"] in {entry["room"]["id"] for entry in await others[18].my_rooms()}
    error_of(full, 409, "ROOM_FULL")
    assert (await owner.room(group["id"]))["member_count"] == 20
    assert others[19].id not in await owner.member_roles(group["id"])


async def test_concurrent_invites_never_overfill_a_group(client: httpx.AsyncClient) -> None:
    owner, *others = await people(client, 23)
    group = await owner.create_room("Almost full", kind="group", member_ids=[p.id for p in others[:18]])
    path = f"/api/rooms/{group['id']}/invite"

    replies = await asyncio.gather(*(owner.call("POST", path, json={"user_id": p.id}) for p in others[18:]))

    assert sorted(r.status_code for r in replies) == [200, 409, 409, 409]
    for reply in replies:
        if reply.status_code == 409:
            error_of(reply, 409, "ROOM_FULL")
    assert (await owner.room(group["id"]))["member_count"] == 20
    assert len(await owner.member_roles(group["id"])) == 20


# -- the directory -----------------------------------------------------------------------------


async def test_directory_lists_public_rooms_by_name_and_searches_case_insensitively(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    await alice.create_room("Gardening")
    await alice.create_room("garden party")
    await alice.create_room("Cooking")
    await alice.create_room("Secret garden", kind="private")
    await alice.create_room("garden group", kind="group")

    everything = await bob.directory()
    found = await bob.directory(q="GARDEN")
    none = await bob.directory(q="nothing like this")
    literal = await bob.directory(q="%")

    assert sorted(r["name"] for r in everything["items"]) == ["Cooking", "Gardening", "garden party"]
    assert {r["name"] for r in found["items"]} == {"Gardening", "garden party"}
    assert all(r["kind"] == "public" for r in everything["items"])
    assert none == {"items": [], "next_cursor": None}
    assert literal["items"] == []  # a LIKE wildcard in the query is a literal character


async def test_directory_pages_with_a_cursor_without_repeats_or_gaps_and_refuses_forged_ones(
    client: httpx.AsyncClient,
) -> None:
    alice = await person(client)
    created = {(await alice.create_room(f"Paging {n}"))["id"] for n in range(7)}
    await alice.create_room("Paging hidden", kind="private")

    seen: list[dict[str, object]] = []
    cursor = None
    pages = 0
    while True:
        params = {"q": "paging", "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = await alice.directory(**params)
        pages += 1
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        assert len(page["items"]) <= 3
        if cursor is None:
            break

    assert pages == 3
    assert {r["id"] for r in seen} == created and len(seen) == 7
    assert [r["name"] for r in seen] == [f"Paging {n}" for n in range(7)]
    error_of(await alice.call("GET", "/api/rooms", params={"cursor": "not-a-cursor"}), 422, "VALIDATION_FAILED")
    error_of(await alice.call("GET", "/api/rooms", params={"limit": 101}), 422, "VALIDATION_FAILED")


# -- reading and changing a room ---------------------------------------------------------------


async def test_owner_renames_the_room_and_everyone_sees_the_change(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Old name")
    await bob.join(room["id"])

    updated = await alice.update_room(room["id"], name="New name", topic="New topic", description="Now with more")
    only_topic = await alice.update_room(room["id"], topic="Second topic")

    assert (updated["name"], updated["topic"], updated["description"]) == ("New name", "New topic", "Now with more")
    assert (only_topic["name"], only_topic["topic"]) == ("New name", "Second topic")
    assert (await bob.room(room["id"]))["name"] == "New name"
    assert [r["name"] for r in (await bob.directory(q="name"))["items"]] == ["New name"]


async def test_only_the_owner_or_a_moderator_can_change_a_room(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await people(client, 3)
    public = await alice.create_room("Public")
    private = await alice.create_room("Private", kind="private")
    dm = await alice.dm(bob)
    await bob.join(public["id"])

    error_of(await bob.call("PATCH", f"/api/rooms/{public['id']}", json={"name": "x"}), 403, "NOT_MODERATOR")
    error_of(await carol.call("PATCH", f"/api/rooms/{public['id']}", json={"name": "x"}), 403, "NOT_A_MEMBER")
    error_of(await carol.call("PATCH", f"/api/rooms/{private['id']}", json={"name": "x"}), 404, "ROOM_NOT_FOUND")
    error_of(await alice.call("PATCH", f"/api/rooms/{public['id']}", json={"name": ""}), 422, "VALIDATION_FAILED")
    error_of(await alice.call("PATCH", f"/api/rooms/{dm['id']}", json={"name": "ours"}), 403, "ROOM_IS_DM")
    assert (await alice.room(public["id"]))["name"] == "Public"
    assert (await alice.room(dm["id"]))["name"] == bob.username


# -- membership --------------------------------------------------------------------------------


async def test_joining_a_public_room_adds_the_member_once_with_a_system_line(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Lobby")

    joined = await bob.join(room["id"])
    again = await bob.join(room["id"])

    assert joined["my_role"] == "member" and joined["member_count"] == 2
    assert again["member_count"] == 2
    assert await alice.member_roles(room["id"]) == {alice.id: "owner", bob.id: "member"}
    lines = [m["body"] for m in await alice.newest(room["id"]) if m["kind"] == "system"]
    assert lines == [f"{bob.username} joined the room", f"{alice.username} created the room"]


async def test_private_and_group_rooms_and_dms_cannot_be_joined(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await people(client, 3)
    private = await alice.create_room("Private", kind="private")
    group = await alice.create_room("Group", kind="group")
    dm = await alice.dm(bob)

    for room in (private, group, dm):
        error_of(await carol.call("POST", f"/api/rooms/{room['id']}/join"), 404, "ROOM_NOT_FOUND")
    assert (await alice.room(private["id"]))["member_count"] == 1
    assert await carol.my_rooms() == []


async def test_leaving_removes_the_member_and_posts_a_system_line(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Lobby")
    await bob.join(room["id"])

    await bob.leave(room["id"])

    assert (await alice.room(room["id"]))["member_count"] == 1
    assert await alice.member_roles(room["id"]) == {alice.id: "owner"}
    assert (await alice.newest(room["id"]))[0]["body"] == f"{bob.username} left the room"
    assert room["id"] not in {entry["room"]["id"] for entry in await bob.my_rooms()}
    error_of(await bob.call("POST", f"/api/rooms/{room['id']}/leave"), 403, "NOT_A_MEMBER")
    error_of(await bob.call("POST", f"/api/rooms/{room['id']}/messages", json={"body": "hi"}), 403, "NOT_A_MEMBER")


async def test_leaving_a_private_room_removes_access_at_once_and_a_dm_cannot_be_left(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Private", kind="private")
    dm = await alice.dm(bob)
    await alice.invite(room["id"], bob.id)
    await bob.newest(room["id"])

    await bob.leave(room["id"])

    error_of(await bob.call("GET", f"/api/rooms/{room['id']}/messages"), 404, "ROOM_NOT_FOUND")
    error_of(await bob.call("GET", f"/api/rooms/{room['id']}"), 404, "ROOM_NOT_FOUND")
    error_of(await alice.call("POST", f"/api/rooms/{dm['id']}/leave"), 403, "ROOM_IS_DM")
    assert (await alice.room(dm["id"]))["member_count"] == 2


async def test_when_the_owner_leaves_the_longest_standing_member_becomes_owner(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await people(client, 3)
    room = await alice.create_room("Handover")
    await bob.join(room["id"])
    await carol.join(room["id"])

    await alice.leave(room["id"])
    after_first = await carol.member_roles(room["id"])
    await bob.leave(room["id"])

    assert after_first == {bob.id: "owner", carol.id: "member"}
    assert await carol.member_roles(room["id"]) == {carol.id: "owner"}
    assert (await carol.update_room(room["id"], name="Mine now"))["name"] == "Mine now"


async def test_owner_invites_to_a_private_room_and_the_invitee_gets_access(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Inner circle", kind="private")

    members = await alice.invite(room["id"], bob.id)
    again = await alice.invite(room["id"], bob.id)

    assert {m["user"]["id"]: m["role"] for m in members} == {alice.id: "owner", bob.id: "member"}
    assert len(again) == 2
    assert (await bob.room(room["id"]))["my_role"] == "member"
    assert (await alice.newest(room["id"]))[0]["body"] == f"{alice.username} added {bob.username}"
    assert room["id"] in {entry["room"]["id"] for entry in await bob.my_rooms()}


async def test_only_moderators_invite_to_a_private_room_but_any_member_to_a_group(client: httpx.AsyncClient) -> None:
    alice, bob, carol, dave = await people(client, 4)
    private = await alice.create_room("Private", kind="private")
    group = await alice.create_room("Group", kind="group", member_ids=[bob.id])
    await alice.invite(private["id"], bob.id)

    refused = await bob.call("POST", f"/api/rooms/{private['id']}/invite", json={"user_id": carol.id})
    outsider = await dave.call("POST", f"/api/rooms/{private['id']}/invite", json={"user_id": dave.id})
    in_group = await bob.invite(group["id"], carol.id)

    error_of(refused, 403, "NOT_MODERATOR")
    error_of(outsider, 404, "ROOM_NOT_FOUND")
    assert carol.id not in await alice.member_roles(private["id"])
    assert carol.id in {m["user"]["id"] for m in in_group}
    invite = f"/api/rooms/{private['id']}/invite"
    error_of(await alice.call("POST", invite, json={"user_id": str(uuid.uuid4())}), 404, "USER_NOT_FOUND")
    error_of(await alice.call("POST", invite, json={"user_id": "x"}), 422, "VALIDATION_FAILED")
    dm = await alice.dm(dave)
    error_of(await alice.call("POST", f"/api/rooms/{dm['id']}/invite", json={"user_id": bob.id}), 403, "ROOM_IS_DM")


async def test_members_are_listed_for_public_rooms_and_for_members_of_private_ones(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await people(client, 3)
    public = await alice.create_room("Public")
    private = await alice.create_room("Private", kind="private")
    await bob.join(public["id"])

    listed = await carol.members(public["id"])

    assert [(m["user"]["username"], m["role"]) for m in listed] == [(alice.username, "owner"), (bob.username, "member")]
    assert set(listed[0]) >= {"user", "role", "joined_at"}
    assert "email" not in listed[0]["user"]
    error_of(await carol.call("GET", f"/api/rooms/{private['id']}/members"), 404, "ROOM_NOT_FOUND")
