"""Notification preferences as the notifier keeps them: a muted room or sanctum notifies nothing, a kind
switched off in-app makes no notification, quiet hours stop pushes while in-app notifications arrive."""

from __future__ import annotations

from typing import Any

from tests.integration.notifications.notifications_api import Instance, Reader
from tests.support.push_endpoint import BrowserKeys, PushEndpoint


async def prefs(reader: Reader, **update: Any) -> dict[str, Any]:
    body: dict[str, Any] = await reader.ok("PATCH", "/api/preferences/notifications", json=update)
    return body


async def test_preferences_start_as_defaults_and_a_change_keeps_what_it_does_not_name(instance: Instance) -> None:
    bob = await instance.person()
    initial = await bob.ok("GET", "/api/preferences/notifications")
    assert initial["kinds"]["mention"] == {"in_app": True, "push": True} and initial["email_digest"] is False
    assert initial["dnd"]["enabled"] is False

    await prefs(bob, kinds={"like": {"in_app": False, "push": False}}, email_digest=True)
    changed = await prefs(bob, dnd={"enabled": True, "start": "23:30", "end": "06:00", "time_zone": "Europe/Paris"})

    assert changed == await bob.ok("GET", "/api/preferences/notifications")
    assert changed["kinds"]["like"] == {"in_app": False, "push": False} and changed["kinds"]["mention"]["in_app"]
    assert changed["email_digest"] is True and changed["dnd"]["time_zone"] == "Europe/Paris"
    for bad in ({"time_zone": "Mars/Olympus"}, {"start": "25:00"}):
        response = await bob.call("PATCH", "/api/preferences/notifications", json={"dnd": bad})
        assert response.status_code == 422, bad


async def test_a_muted_room_and_a_muted_sanctum_notify_nothing_until_unmuted(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    room = await alice.create_room("Noisy")
    await bob.join(room["id"])
    sanctum = await alice.ok("POST", "/api/sanctums", 201, json={"name": "Guild", "slug": f"guild-{bob.username[-8:]}"})
    await bob.ok("POST", f"/api/sanctums/{sanctum['slug']}/join")

    await bob.ok("PUT", f"/api/preferences/mutes/rooms/{room['id']}")
    mutes = await bob.ok("PUT", f"/api/preferences/mutes/sanctums/{sanctum['id']}")
    assert mutes == {"rooms": [room["id"]], "sanctums": [sanctum["id"]]}
    await alice.send(room["id"], f"hey @{bob.username}")
    await alice.send(sanctum["room_id"], f"hey @{bob.username}, in the guild")
    await instance.settle()
    assert await bob.items() == []

    await bob.ok("DELETE", f"/api/preferences/mutes/rooms/{room['id']}")
    await alice.send(room["id"], f"again @{bob.username}")
    await instance.settle()
    [mention] = await bob.items()
    assert mention["kind"] == "mention" and mention["data"]["room_id"] == room["id"]


async def test_quiet_hours_stop_the_push_and_a_kind_off_in_app_makes_no_notification(
    instance: Instance, push_endpoint: PushEndpoint
) -> None:
    alice, bob = await instance.person(), await instance.person()
    keys = BrowserKeys()
    await bob.ok("POST", "/api/push/subscriptions", 201, json=keys.subscription(push_endpoint.url + "/push/bob"))
    # Equal start and end: quiet all day, whatever the time the test runs at.
    await prefs(bob, dnd={"enabled": True, "start": "00:00", "end": "00:00", "time_zone": "Asia/Tokyo"})
    await prefs(bob, kinds={"friend_request": {"in_app": False, "push": True}})

    dm = await alice.dm(bob)
    await alice.send(dm["id"], "late night message")
    await alice.ok("POST", "/api/friends/requests", json={"user_id": bob.id})
    await instance.settle()

    assert [item["kind"] for item in await bob.items()] == ["message"]  # in-app still arrives
    assert push_endpoint.received == []

    await prefs(bob, dnd={"enabled": False})
    carol = await instance.person()
    other = await carol.dm(bob)
    await carol.send(other["id"], "good morning")
    await instance.settle()
    [pushed] = push_endpoint.received
    assert keys.decrypt(pushed.body)["url"] == f"/chat/{other['id']}"
