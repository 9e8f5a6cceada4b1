"""Feature flags end to end: a site admin's change reaches a second instance within seconds (bus), a
change behind the bus's back (the CLI in another process) too (poll); the kill switch, rollout and
overrides decide what each person sees; video calls follow the `calls` flag; every change is audited."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sanctum.domains.accounts.schemas import RegisterRequest
from sanctum.domains.accounts.service import ClientInfo
from tests.factories import DEFAULT_PASSWORD, RegisteredUser, login
from tests.integration.chat.chat_api import Person
from tests.support.live import LiveServer, ServerFactory, eventually
from tests.support.processes import run_sanctum_async
from tests.support.social_api import Member

# A change must reach every instance within 5 s; the machine is loaded, so leave room over it.
PROPAGATION = 8.0


async def admin_on(server: LiveServer) -> Person:
    name = f"admin_{uuid.uuid4().hex[:8]}"
    email = f"{name}@example.com"
    request = RegisterRequest(username=name, email=email, password=DEFAULT_PASSWORD)
    user = await server.app.state.services.accounts.register(request, ClientInfo("test", "test"), is_admin=True)
    tokens = await login(server.http, name)
    return Person(server.http, RegisteredUser(str(user.id), name, email, DEFAULT_PASSWORD, tokens))


async def flags_of(person: Person) -> dict[str, bool]:
    return dict((await person.ok("GET", "/api/flags"))["flags"])


async def follows(person: Person, name: str, value: bool) -> None:
    async def check() -> bool:
        return (await flags_of(person)).get(name) is value

    await eventually(check, within=PROPAGATION, interval=0.1)


async def start_call(server: LiveServer, person: Person, room_id: str) -> dict[str, Any]:
    socket = await server.connect(person.user)
    try:
        return await socket.request({"type": "call.start", "room_id": room_id, "kind": "video"})
    finally:
        await socket.close()


async def test_an_admin_turns_calls_off_and_on_by_kill_switch_rollout_and_override_and_each_instance_follows(
    make_server: ServerFactory, tmp_path: Path
) -> None:
    first = await make_server()
    second = await make_server(first.settings)
    admin = await admin_on(first)
    alice, bob = [Person(second.http, await second.register()) for _ in range(2)]
    assert await flags_of(alice) == {"calls": True, "uploads": True, "link_previews": True}

    refused = await alice.call("PATCH", "/api/admin/flags/calls", json={"enabled": False})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "MISSING_PERMISSION"
    assert (await alice.call("GET", "/api/admin/flags")).status_code == 403
    missing = await admin.call("PATCH", "/api/admin/flags/teleport", json={"enabled": False})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "FLAG_NOT_FOUND"

    # The kill switch, set on one instance, reaches the other; call.start there is refused by name.
    read = await admin.ok("PATCH", "/api/admin/flags/calls", json={"enabled": False})
    assert (read["configured"], read["enabled"], read["rollout_percent"]) == (True, False, 100)
    await follows(alice, "calls", False)
    dm = (await alice.dm(bob))["id"]
    answer = await start_call(second, alice, dm)
    assert answer["type"] == "error" and answer["error"]["code"] == "FEATURE_DISABLED", answer

    # Rolled out to nobody, but forced on for Alice: she may call, Bob may not.
    await admin.ok("PATCH", "/api/admin/flags/calls", json={"enabled": True, "rollout_percent": 0})
    read = await admin.ok(
        "PUT", "/api/admin/flags/calls/overrides", json={"subject_type": "user", "subject_id": alice.id, "value": True}
    )
    assert read["overrides"] == [{"subject_type": "user", "subject_id": alice.id, "value": True}]
    await follows(alice, "calls", True)
    assert (await flags_of(bob))["calls"] is False
    answer = await start_call(second, alice, dm)
    assert answer["type"] == "call.ok", answer
    await (await second.connect(alice.user)).request({"type": "call.hangup", "call_id": answer["call"]["id"]})

    # The CLI, another process: its change reaches this one through the bus (Redis) or the poll (embedded).
    env = {"DATABASE_URL": first.settings.database_url, "APP_ENV": "test"}
    if first.settings.redis_url:
        env["REDIS_URL"] = first.settings.redis_url
    done = await run_sanctum_async("flags", "set", "calls", "--off", cwd=tmp_path, **env)
    assert done.returncode == 0, done.stderr
    await follows(alice, "calls", False)  # the kill switch beats her override
    assert '"enabled": false' in done.stdout, done.stdout

    log = (await admin.ok("GET", "/api/audit", params={"action": "flag.change"}))["items"]
    who = [(e["target_id"], (e["actor"] or {}).get("id")) for e in log]
    assert who == [("calls", None), ("calls", admin.id), ("calls", admin.id)]
    assert log[0]["metadata"]["before"] == {"enabled": True, "rollout_percent": 0}
    overridden = (await admin.ok("GET", "/api/audit", params={"action": "flag.override"}))["items"]
    assert overridden[0]["metadata"]["subject_id"] == alice.id and overridden[0]["metadata"]["value"] is True


async def test_a_sanctum_override_applies_to_flags_asked_in_that_sanctum_and_to_calls_in_its_rooms(
    make_server: ServerFactory,
) -> None:
    server = await make_server()
    admin = await admin_on(server)
    owner, guest, outsider = [Member(server.http, await server.register()) for _ in range(3)]
    club = await owner.create_sanctum("Call club")
    hidden = await owner.create_sanctum("Hidden club", visibility="private")
    await guest.join_sanctum(club["slug"])
    await admin.ok("PATCH", "/api/admin/flags/calls", json={"enabled": True, "rollout_percent": 0})
    override = {"subject_type": "sanctum", "subject_id": club["id"], "value": True}
    await admin.ok("PUT", "/api/admin/flags/calls/overrides", json=override)

    async def in_club(person: Person) -> dict[str, Any]:
        return dict(await person.ok("GET", "/api/flags", params={"sanctum_id": club["id"]}))

    async def club_on() -> bool:
        return (await in_club(guest))["flags"]["calls"] is True

    await eventually(club_on, within=PROPAGATION, interval=0.1)
    assert (await in_club(guest))["sanctum_id"] == club["id"]
    assert (await flags_of(guest))["calls"] is False  # outside the sanctum, the rollout (nobody) decides
    assert (await in_club(outsider))["flags"]["calls"] is True  # a public sanctum: anyone may look
    answer = await start_call(server, guest, club["room_id"])
    assert answer["type"] == "call.ok", answer
    await (await server.connect(guest.user)).request({"type": "call.hangup", "call_id": answer["call"]["id"]})
    elsewhere = await guest.create_room("Not in the club")
    assert (await start_call(server, guest, elsewhere["id"]))["error"]["code"] == "FEATURE_DISABLED"

    # A private sanctum one is not in, or none at all, is not found: no flag of it leaks.
    for sanctum_id in (hidden["id"], str(uuid.uuid4())):
        refused = await outsider.call("GET", "/api/flags", params={"sanctum_id": sanctum_id})
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "SANCTUM_NOT_FOUND"
    bad = await outsider.call("GET", "/api/flags", params={"sanctum_id": "not-a-uuid"})
    assert bad.status_code == 422
