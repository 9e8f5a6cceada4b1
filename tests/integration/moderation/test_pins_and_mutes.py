"""Pins (at most three, listed with the room) and mutes (403 MUTED with the expiry; they end by themselves)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sanctum.core import clock
from tests.integration.moderation.moderation_api import Site
from tests.support.http import error_of


async def test_a_moderator_pins_three_messages_the_fourth_is_refused_and_a_removed_one_shows_as_removed(
    site: Site,
) -> None:
    alice, bob = await site.people(2)
    sanctum = await alice.create_sanctum()
    room = sanctum["room_id"]
    await bob.join_sanctum(sanctum["slug"])
    sent = [await bob.send(room, f"message {i}") for i in range(4)]

    for message in sent[:3]:
        await alice.pin(room, message["id"])
    again = await alice.pin(room, sent[0]["id"])  # pinning a pinned message changes nothing
    fourth = await alice.call("POST", f"/api/rooms/{room}/messages/{sent[3]['id']}/pin")
    detail = await bob.room(room)
    await alice.delete(room, sent[1]["id"])
    after = await bob.pins(room)
    history = {m["id"]: m for m in (await bob.history(room))["items"]}

    assert [p["message"]["body"] for p in again["items"]] == ["message 0", "message 1", "message 2"]
    error_of(fourth, 409, "PIN_LIMIT")
    assert detail["pinned_message_ids"] == [m["id"] for m in sent[:3]]
    assert "message.pin" not in detail["my_permissions"]
    assert "message.pin" in (await alice.room(room))["my_permissions"]
    assert [p["message"]["id"] for p in after] == [sent[0]["id"], sent[2]["id"]]
    removed = history[sent[1]["id"]]
    assert (removed["deleted"], removed["removed_by_moderator"], removed["body"]) == (True, True, "")
    await bob.delete(room, sent[3]["id"])
    assert history[sent[0]["id"]]["removed_by_moderator"] is False
    log = [(e["action"], e["target_id"]) for e in await alice.audit(sanctum=sanctum["slug"])]
    assert log[0] == ("message.delete", str(sent[1]["id"]))
    assert log.count(("message.pin", str(sent[0]["id"]))) == 1


async def test_a_muted_member_is_refused_with_the_expiry_until_it_passes_and_sanctum_mutes_cover_every_room(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = await site.people(2)
    sanctum = await alice.create_sanctum()
    slug, room = sanctum["slug"], sanctum["room_id"]
    await bob.join_sanctum(slug)
    channel = await alice.ok("POST", f"/api/sanctums/{slug}/channels", 201, json={"name": "Side"})

    muted = await alice.mute(room, bob.id, 600)
    refused = await bob.call("POST", f"/api/rooms/{room}/messages", json={"body": "hello?"})
    elsewhere = await bob.send(channel["id"], "still here")
    detail = await bob.room(room)
    real_now = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real_now() + timedelta(seconds=601))
    later = await bob.send(room, "back")
    monkeypatch.setattr(clock, "utcnow", real_now)

    until = datetime.fromisoformat(muted["until"])
    assert timedelta(seconds=590) < until - datetime.now(UTC) <= timedelta(seconds=600)
    error = error_of(refused, 403, "MUTED")
    assert datetime.fromisoformat(error["details"]["until"]) == until
    assert elsewhere["body"] == "still here" and later["body"] == "back"
    assert datetime.fromisoformat(detail["my_muted_until"]) == until

    await alice.ok("POST", f"/api/sanctums/{slug}/mutes/{bob.id}", json={"duration_seconds": 3600})
    for where in (room, channel["id"]):
        error_of(await bob.call("POST", f"/api/rooms/{where}/messages", json={"body": "x"}), 403, "MUTED")
    error_of(
        await alice.call("POST", f"/api/rooms/{room}/mutes/{alice.id}", json={"duration_seconds": 60}),
        422,
        "VALIDATION_FAILED",
    )
    await alice.ok("DELETE", f"/api/sanctums/{slug}/mutes/{bob.id}")
    assert (await bob.send(channel["id"], "free"))["body"] == "free"
    assert (await bob.room(room))["my_muted_until"] is None


async def test_leaving_and_rejoining_does_not_shed_a_mute_of_a_room_or_a_sanctum(site: Site) -> None:
    alice, bob = await site.people(2)
    sanctum = await alice.create_sanctum()
    slug, main_room = sanctum["slug"], sanctum["room_id"]
    await bob.join_sanctum(slug)
    lobby = (await alice.ok("POST", "/api/rooms", 201, json={"name": "Lobby", "kind": "public"}))["id"]
    await bob.ok("POST", f"/api/rooms/{lobby}/join")

    muted = await alice.mute(lobby, bob.id, 600)
    await alice.ok("POST", f"/api/sanctums/{slug}/mutes/{bob.id}", json={"duration_seconds": 3600})
    await bob.ok("POST", f"/api/rooms/{lobby}/leave", 204)
    await bob.leave_sanctum(slug)
    await bob.ok("POST", f"/api/rooms/{lobby}/join")
    await bob.join_sanctum(slug)
    refused = [await bob.call("POST", f"/api/rooms/{r}/messages", json={"body": "back!"}) for r in (lobby, main_room)]
    back_in = await bob.room(lobby)
    await alice.ok("DELETE", f"/api/rooms/{lobby}/mutes/{bob.id}")
    await alice.ok("DELETE", f"/api/sanctums/{slug}/mutes/{bob.id}")

    for response in refused:
        error_of(response, 403, "MUTED")
    assert back_in["my_muted_until"] == muted["until"]
    assert (await bob.send(lobby, "free again"))["body"] == "free again"
    assert (await bob.send(main_room, "me too"))["body"] == "me too"
