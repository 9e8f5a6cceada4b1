"""Invite links: made and revoked by owners and moderators, previewed by anyone holding one, redeemed
by a signed-in stranger; refused with a code saying why once expired, revoked or used up."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest

from sanctum.core.clock import utcnow
from tests.conftest import ClientFactory, SettingsFactory
from tests.support.http import error_of
from tests.support.settings import rate_limits
from tests.support.social_api import Member, members


async def invite(owner: Member, sanctum: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return await owner.ok("POST", f"/api/sanctums/{sanctum['slug']}/invites", 201, json=fields)


async def preview(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post("/api/invites/preview", json={"token": token})


async def redeem(person: Member, token: str) -> httpx.Response:
    return await person.call("POST", "/api/invites/redeem", json={"token": token})


async def test_a_stranger_with_a_link_sees_the_private_sanctum_then_joins_it_and_its_room(
    client: httpx.AsyncClient,
) -> None:
    alice, bob = await members(client, 2)
    sanctum = await alice.create_sanctum("Secret garden", "private", description="Members grow here")
    link = await invite(alice, sanctum, max_uses=5)

    card = await preview(client, link["token"])  # no account needed to see where a link leads
    refused = await bob.call("GET", f"/api/sanctums/{sanctum['slug']}")
    joined = await redeem(bob, link["token"])
    again = await redeem(bob, link["token"])

    assert card.status_code == 200, card.text
    assert card.json() == {
        "target": "sanctum",
        "name": "Secret garden",
        "description": "Members grow here",
        "member_count": 1,
        "invited_by": alice.username,
        "expires_at": link["expires_at"],
    }
    error_of(refused, 404, "SANCTUM_NOT_FOUND")
    assert joined.json() == {
        "target": "sanctum",
        "sanctum_slug": sanctum["slug"],
        "room_id": sanctum["room_id"],
        "joined": True,
    }
    assert again.json()["joined"] is False  # already in: no use is counted
    assert (await bob.sanctum(sanctum["slug"]))["my_role"] == "member"
    assert (await bob.room(sanctum["room_id"]))["my_role"] == "member"
    listed = (await alice.ok("GET", f"/api/sanctums/{sanctum['slug']}/invites"))["items"]
    assert [(i["id"], i["uses"], i["state"], i["hint"]) for i in listed] == [
        (link["id"], 1, "active", link["token"][-4:])
    ]
    assert "token" not in listed[0]


async def test_a_revoked_link_is_refused_and_says_so(client: httpx.AsyncClient) -> None:
    alice, bob = await members(client, 2)
    sanctum = await alice.create_sanctum(visibility="private")
    link = await invite(alice, sanctum)

    await alice.ok("DELETE", f"/api/invites/{link['id']}", 204)
    await alice.ok("DELETE", f"/api/invites/{link['id']}", 204)  # revoking twice changes nothing

    error_of(await redeem(bob, link["token"]), 410, "INVITE_REVOKED")
    error_of(await preview(client, link["token"]), 410, "INVITE_REVOKED")
    assert alice.id in await alice.sanctum_roles(sanctum["slug"])
    assert bob.id not in await alice.sanctum_roles(sanctum["slug"])
    listed = (await alice.ok("GET", f"/api/sanctums/{sanctum['slug']}/invites"))["items"]
    assert listed[0]["state"] == "revoked"


async def test_an_expired_link_is_refused_and_says_so(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = await members(client, 2)
    sanctum = await alice.create_sanctum(visibility="private")
    link = await invite(alice, sanctum, expires_in_seconds=3600)
    later = utcnow() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr("sanctum.domains.invites.service.utcnow", lambda: later)

    error_of(await redeem(bob, link["token"]), 410, "INVITE_EXPIRED")
    error_of(await preview(client, link["token"]), 410, "INVITE_EXPIRED")
    assert bob.id not in await alice.sanctum_roles(sanctum["slug"])


async def test_a_link_lets_in_as_many_people_as_it_allows_even_all_at_once(client: httpx.AsyncClient) -> None:
    alice, *strangers = await members(client, 6)
    sanctum = await alice.create_sanctum(visibility="private")
    link = await invite(alice, sanctum, max_uses=2)

    answers = await asyncio.gather(*(redeem(s, link["token"]) for s in strangers))

    assert sorted(a.status_code for a in answers) == [200, 200, 410, 410, 410]
    for refused in (a for a in answers if a.status_code == 410):
        error_of(refused, 410, "INVITE_USED_UP")
    assert len(await alice.sanctum_roles(sanctum["slug"])) == 3
    listed = (await alice.ok("GET", f"/api/sanctums/{sanctum['slug']}/invites"))["items"]
    assert (listed[0]["uses"], listed[0]["state"]) == (2, "used_up")


async def test_only_owners_and_moderators_make_list_and_revoke_links(client: httpx.AsyncClient) -> None:
    alice, bob, carol, dave = await members(client, 4)
    sanctum = await alice.create_sanctum(visibility="private")
    slug = sanctum["slug"]
    await alice.add_to_sanctum(slug, bob.id)
    await alice.add_to_sanctum(slug, carol.id)
    await alice.set_role(slug, carol.id, "moderator")
    link = await invite(alice, sanctum)

    error_of(await bob.call("POST", f"/api/sanctums/{slug}/invites", json={}), 403, "NOT_MODERATOR")
    error_of(await bob.call("GET", f"/api/sanctums/{slug}/invites"), 403, "NOT_MODERATOR")
    error_of(await bob.call("DELETE", f"/api/invites/{link['id']}"), 403, "NOT_MODERATOR")
    error_of(await dave.call("GET", f"/api/sanctums/{slug}/invites"), 404, "SANCTUM_NOT_FOUND")
    error_of(await dave.call("DELETE", f"/api/invites/{link['id']}"), 404, "INVITE_NOT_FOUND")
    by_moderator = await invite(carol, sanctum)
    assert by_moderator["created_by"] == carol.id
    await carol.ok("DELETE", f"/api/invites/{link['id']}", 204)


async def test_unknown_or_malformed_tokens_are_refused_without_a_hint(client: httpx.AsyncClient) -> None:
    (bob,) = await members(client, 1)

    error_of(await redeem(bob, "A" * 32), 404, "INVITE_NOT_FOUND")
    error_of(await preview(client, "A" * 32), 404, "INVITE_NOT_FOUND")
    for bad in ("short", "x" * 65, "has spaces in it......", "../../etc/passwd-passwd"):
        error_of(await redeem(bob, bad), 422, "VALIDATION_FAILED")
    error_of(await client.post("/api/invites/redeem", json={"token": "A" * 32}), 401, "UNAUTHORIZED")
    bad_limits = await bob.call("POST", "/api/sanctums/x-y-z/invites", json={"max_uses": 0, "expires_in_seconds": 5})
    assert error_of(bad_limits, 422, "VALIDATION_FAILED")["fields"].keys() == {"max_uses", "expires_in_seconds"}


async def test_redemption_is_rate_limited(make_client: ClientFactory, make_settings: SettingsFactory) -> None:
    http = await make_client(make_settings(rate_limits=rate_limits(invite_redeem_per_user="3/minute")))
    (bob,) = await members(http, 1)

    answers = [await redeem(bob, "B" * 32) for _ in range(4)]

    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    error_of(answers[-1], 429, "RATE_LIMITED")


async def test_a_private_room_link_lets_a_stranger_in_and_other_rooms_take_none(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await members(client, 3)
    room = await alice.create_room("Back office", "private")
    public = await alice.create_room("Lobby", "public")
    sanctum = await alice.create_sanctum()
    await alice.invite(room["id"], carol.id)
    link = await alice.ok("POST", f"/api/rooms/{room['id']}/invites", 201, json={"max_uses": 1})

    card = await preview(client, link["token"])
    joined = await redeem(bob, link["token"])

    assert (card.json()["target"], card.json()["name"], card.json()["member_count"]) == ("room", "Back office", 2)
    assert joined.json() == {"target": "room", "sanctum_slug": None, "room_id": room["id"], "joined": True}
    assert (await bob.room(room["id"]))["my_role"] == "member"
    error_of(await carol.call("POST", f"/api/rooms/{room['id']}/invites", json={}), 403, "NOT_MODERATOR")
    error_of(await alice.call("POST", f"/api/rooms/{public['id']}/invites", json={}), 409, "ROOM_NOT_PRIVATE")
    sanctum_room = await alice.call("POST", f"/api/rooms/{sanctum['room_id']}/invites", json={})
    error_of(sanctum_room, 409, "SANCTUM_ROOM")
    listed = (await alice.ok("GET", f"/api/rooms/{room['id']}/invites"))["items"]
    assert [(i["uses"], i["state"]) for i in listed] == [(1, "used_up")]
