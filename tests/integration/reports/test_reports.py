"""Reports: one open report per reporter and target, a queue scoped to who moderates what, the content
kept as reported, and resolutions that close every report on the target."""

from __future__ import annotations

import uuid
from typing import Any

from sanctum.domains.accounts.schemas import RegisterRequest
from sanctum.domains.accounts.service import ClientInfo
from tests.factories import DEFAULT_PASSWORD, RegisteredUser, login
from tests.support.http import error_of
from tests.support.live import LiveServer
from tests.support.social_api import Member, members


async def site_admin(server: LiveServer) -> Member:
    """A site administrator, made as `sanctum create-admin` makes one (there is no API for it)."""
    name = f"admin_{uuid.uuid4().hex[:8]}"
    request = RegisterRequest(username=name, email=f"{name}@example.com", password=DEFAULT_PASSWORD)
    user = await server.app.state.services.accounts.register(request, ClientInfo("test", "test"), is_admin=True)
    tokens = await login(server.http, name)
    return Member(server.http, RegisteredUser(str(user.id), name, f"{name}@example.com", DEFAULT_PASSWORD, tokens))


async def report(who: Member, target_type: str, target_id: object, status: int = 201, **fields: Any) -> Any:
    body = {"target_type": target_type, "target_id": str(target_id), "reason": "harassment", **fields}
    response = await who.call("POST", "/api/reports", json=body)
    assert response.status_code == status, response.text
    return response


async def queue(who: Member, status: str = "open") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await who.ok("GET", "/api/reports", params={"status": status}))["items"]
    return items


async def test_one_open_report_per_reporter_and_target_and_the_content_is_kept_as_reported(server: LiveServer) -> None:
    owner, troll, alice, carol = await members(server.http, 4)
    sanctum = await owner.create_sanctum("Garden")
    for person in (troll, alice, carol):
        await person.join_sanctum(sanctum["slug"])
    message = await troll.send(sanctum["room_id"], "you are all awful")

    first = (await report(alice, "message", message["id"], details="rude")).json()
    again = await report(alice, "message", message["id"], 409)
    await report(carol, "message", message["id"], reason="spam")
    await troll.edit(sanctum["room_id"], message["id"], "nothing to see")
    [seen, _] = await queue(owner)

    error_of(again, 409, "REPORT_EXISTS")
    assert first["status"] == "open" and first["target_user"]["id"] == troll.id
    assert first["sanctum_id"] == sanctum["id"] and first["room_id"] == sanctum["room_id"]
    assert seen["snapshot"]["body"] == "you are all awful"
    assert seen["snapshot"]["author"]["username"] == troll.username
    assert seen["reporter_count"] == 2 and seen["history"] == {"reports": 2, "actioned": 0}
    error_of(await report(alice, "user", alice.id, 422), 422, "VALIDATION_FAILED")
    error_of(await report(alice, "message", 999_999_999, 404), 404, "MESSAGE_NOT_FOUND")
    error_of(await report(alice, "post", "not-a-number", 422), 422, "VALIDATION_FAILED")


async def test_the_queue_shows_a_sanctums_reports_to_its_moderators_and_every_report_to_site_moderators(
    server: LiveServer,
) -> None:
    owner, other_owner, member, reporter = await members(server.http, 4)
    admin = await site_admin(server)
    mine = await owner.create_sanctum("Mine")
    theirs = await other_owner.create_sanctum("Theirs")
    for person in (member, reporter):
        await person.join_sanctum(mine["slug"])
    post = await member.post("buy pills", mine)
    await report(reporter, "post", post["id"], reason="spam")
    await report(reporter, "user", member.id)  # a person: only site moderators review it

    owners_view = await queue(owner)
    others_view = await queue(other_owner)
    admins_view = await queue(admin)

    assert [(r["target_type"], r["snapshot"]["body"]) for r in owners_view] == [("post", "buy pills")]
    assert others_view == [] and theirs["id"] != mine["id"]
    assert [r["target_type"] for r in admins_view][:2] == ["user", "post"]
    error_of(await member.call("GET", "/api/reports"), 403, "NOT_MODERATOR")
    error_of(await other_owner.call("GET", f"/api/reports/{owners_view[0]['id']}"), 404, "REPORT_NOT_FOUND")


async def test_deleting_from_a_report_removes_the_content_and_closes_every_report_on_it(server: LiveServer) -> None:
    owner, troll, alice, carol = await members(server.http, 4)
    sanctum = await owner.create_sanctum("Moderated")
    for person in (troll, alice, carol):
        await person.join_sanctum(sanctum["slug"])
    message = await troll.send(sanctum["room_id"], "spam spam spam")
    first = (await report(alice, "message", message["id"])).json()
    await report(carol, "message", message["id"])

    resolved = await owner.ok("POST", f"/api/reports/{first['id']}/resolve", json={"action": "delete", "note": "spam"})
    closed = await owner.call("POST", f"/api/reports/{first['id']}/resolve", json={"action": "dismiss"})
    history = await owner.newest(sanctum["room_id"])

    assert resolved["status"] == "resolved" and resolved["resolution"] == "delete"
    assert resolved["resolved_by"]["id"] == owner.id and resolved["resolution_note"] == "spam"
    assert resolved["history"] == {"reports": 2, "actioned": 2}
    error_of(closed, 409, "REPORT_CLOSED")
    assert await queue(owner) == [] and len(await queue(owner, "resolved")) == 2
    assert next(m for m in history if m["id"] == message["id"])["deleted"] is True
    audit = await owner.ok("GET", "/api/audit", params={"sanctum": sanctum["slug"]})
    actions = [(e["action"], e["target_type"]) for e in audit["items"]]
    assert actions[:2] == [("report.resolve", "report"), ("message.delete", "message")]
    assert audit["items"][0]["metadata"]["action"] == "delete" and audit["items"][0]["metadata"]["closed"] == 2
    # Once closed, the same person may report the same target again.
    await report(alice, "user", troll.id)
    await report(alice, "user", troll.id, 409)


async def test_muting_and_banning_from_reports_act_through_the_sanctions_and_are_audited(server: LiveServer) -> None:
    owner, troll, alice = await members(server.http, 3)
    sanctum = await owner.create_sanctum("Strict")
    for person in (troll, alice):
        await person.join_sanctum(sanctum["slug"])
    rude = await troll.send(sanctum["room_id"], "rude words")
    worse = await troll.send(sanctum["room_id"], "worse words")
    about_message = (await report(alice, "message", rude["id"])).json()
    about_worse = (await report(alice, "message", worse["id"])).json()

    by_member = await alice.call("POST", f"/api/reports/{about_message['id']}/resolve", json={"action": "mute"})
    muted = await owner.ok(
        "POST", f"/api/reports/{about_message['id']}/resolve", json={"action": "mute", "duration_seconds": 600}
    )
    refused_send = await troll.call("POST", f"/api/rooms/{sanctum['room_id']}/messages", json={"body": "again"})
    banned = await owner.ok("POST", f"/api/reports/{about_worse['id']}/resolve", json={"action": "ban"})
    after_ban = await troll.call("GET", f"/api/sanctums/{sanctum['slug']}")

    assert by_member.status_code in (403, 404)
    assert muted["resolution"] == "mute" and banned["resolution"] == "ban"
    error_of(refused_send, 403, "MUTED")
    assert after_ban.status_code == 404
    audit = await owner.ok("GET", "/api/audit", params={"sanctum": sanctum["slug"]})
    actions = [e["action"] for e in audit["items"]]
    assert actions.index("user.ban") < actions.index("user.mute")
    assert actions.count("report.resolve") == 2
