"""Bans take someone out of a sanctum at once (live events stop on every instance) and keep them out;
suspensions end every session of an account and refuse it until they end."""

from __future__ import annotations

from typing import Any

from tests.factories import login
from tests.integration.moderation.moderation_api import Moderator, Site
from tests.integration.realtime.test_ws_access import frames_until_quiet, revoked
from tests.support.http import error_of
from tests.support.live import LiveServer


def bodies(frames: list[dict[str, Any]], topic: str) -> list[str]:
    return [
        f["data"]["body"]
        for f in frames
        if f.get("topic") == topic and f["type"] == "message.created" and f["data"]["kind"] == "user"
    ]


async def test_a_ban_stops_the_sanctums_events_on_every_instance_and_refuses_every_way_back(
    instances: tuple[LiveServer, LiveServer],
) -> None:
    here, there = instances
    site = Site(here.app, here.http)
    alice, bob, carol = await site.people(3)
    sanctum = await alice.create_sanctum("Garden", "public")
    slug, topic = sanctum["slug"], f"room:{sanctum['room_id']}"
    for person in (bob, carol):
        await person.join_sanctum(slug)
    post = await alice.post("news", sanctum)
    link = await alice.ok("POST", f"/api/sanctums/{slug}/invites", 201, json={})
    bobs, carols = await there.connect(bob.user), await there.connect(carol.user)
    for socket in (bobs, carols):
        await socket.subscribe(topic)
    await alice.send(sanctum["room_id"], "before")

    await alice.ban(slug, bob.id, reason="spam")
    await alice.send(sanctum["room_id"], "after")

    bob_saw = await frames_until_quiet(bobs)
    assert revoked(topic) in bob_saw
    assert bodies(bob_saw, topic) == ["before"]
    assert bodies(await frames_until_quiet(carols), topic) == ["before", "after"]
    resume = await bobs.request({"type": "subscribe", "topic": topic, "since": 0})
    assert resume["type"] == "error" and resume["error"]["code"] == "FORBIDDEN"
    for method, path in [
        ("GET", f"/api/sanctums/{slug}"),
        ("POST", f"/api/sanctums/{slug}/join"),
        ("GET", f"/api/sanctums/{slug}/posts"),
        ("GET", f"/api/posts/{post['id']}"),
    ]:
        assert (await bob.call(method, path)).status_code == 404, (method, path)
    error_of(await bob.call("GET", f"/api/rooms/{sanctum['room_id']}"), 404, "ROOM_NOT_FOUND")
    error_of(await bob.call("POST", "/api/invites/redeem", json={"token": link["token"]}), 403, "BANNED")
    error_of(await alice.call("POST", f"/api/sanctums/{slug}/members", json={"user_id": bob.id}), 403, "BANNED")
    bans = (await alice.ok("GET", f"/api/sanctums/{slug}/bans"))["items"]
    assert [(b["user"]["id"], b["reason"]) for b in bans] == [(bob.id, "spam")]
    error_of(await alice.call("POST", f"/api/sanctums/{slug}/bans/{alice.id}", json={}), 422, "VALIDATION_FAILED")

    await alice.ok("DELETE", f"/api/sanctums/{slug}/bans/{bob.id}", 204)
    assert (await bob.join_sanctum(slug))["my_role"] == "member"
    assert [e["action"] for e in await alice.audit(sanctum=slug)][:2] == ["user.unban", "user.ban"]


async def test_a_suspension_ends_every_session_refuses_login_and_hides_the_account_until_lifted(
    site: Site,
) -> None:
    admin = await site.admin()
    (mallory,) = await site.people(1)
    second = Moderator(site.http, mallory.user)
    other_session = await login(site.http, mallory.username)
    suspended = await admin.ok(
        "POST", f"/api/admin/users/{mallory.id}/suspension", json={"reason": "harassment", "until": None}
    )

    assert (suspended["suspended"], suspended["sessions_revoked"]) == (True, 2)
    error_of(await second.call("GET", "/api/users/me"), 401, "ACCOUNT_SUSPENDED")
    other = await site.http.get("/api/users/me", headers={"Authorization": f"Bearer {other_session.access_token}"})
    assert other.status_code == 401
    refresh = await site.http.post("/api/auth/refresh", json={"refresh_token": other_session.refresh_token})
    assert refresh.status_code == 401
    body = {"login": mallory.username, "password": mallory.user.password}
    error = error_of(await site.http.post("/api/auth/login", json=body), 403, "ACCOUNT_SUSPENDED")
    assert error["details"] == {"until": None, "reason": "harassment"}
    found = await admin.ok("GET", "/api/users", params={"q": mallory.username})
    assert found["items"] == []

    await admin.ok("DELETE", f"/api/admin/users/{mallory.id}/suspension")
    assert (await site.http.post("/api/auth/login", json=body)).status_code == 200
    assert [u["id"] for u in (await admin.ok("GET", "/api/users", params={"q": mallory.username}))["items"]] == [
        mallory.id
    ]
    log = await admin.audit(target_id=mallory.id)
    assert [e["action"] for e in log] == ["account.unsuspend", "account.suspend"]
    assert log[1]["metadata"]["sessions_revoked"] == 2


async def test_a_suspension_closes_the_accounts_sockets_on_every_instance_and_no_one_elses(
    instances: tuple[LiveServer, LiveServer],
) -> None:
    here, there = instances
    site = Site(here.app, here.http)
    admin = await site.admin()
    mallory, bystander = await site.people(2)
    first, second = await there.connect(mallory.user), await here.connect(mallory.user)
    others = await there.connect(bystander.user)

    await admin.ok("POST", f"/api/admin/users/{mallory.id}/suspension", json={"reason": "spam"})

    assert (await first.closed())[0] == 4401
    assert (await second.closed())[0] == 4401
    await others.send({"type": "ping"})
    assert (await others.expect("pong"))["type"] == "pong"
    error_of(await mallory.call("POST", "/api/ws/ticket"), 401, "ACCOUNT_SUSPENDED")
