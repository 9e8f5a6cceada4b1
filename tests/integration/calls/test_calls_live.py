"""Calls over real sockets: ringing every tab, accept, signalling only between participants, busy,
decline, missed, a dropped participant, the entries calls leave, and (scaled) a call across instances."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sanctum.settings import CallSettings
from tests.conftest import MODE, SettingsFactory
from tests.integration.chat.chat_api import Person
from tests.support.live import LiveServer, ServerFactory, WsClient, eventually, sample


async def online(server: LiveServer, person: Person) -> WsClient:
    socket = await server.connect(person.user)
    await socket.subscribe(f"user:{person.id}")
    return socket


async def people(server: LiveServer, count: int) -> list[Person]:
    return [Person(server.http, await server.register()) for _ in range(count)]


async def entries(person: Person, room_id: str) -> list[str]:
    items = (await person.ok("GET", f"/api/rooms/{room_id}/messages"))["items"]
    return [m["body"] for m in items if m["kind"] == "system"]


def signal(call_id: str, to: Person, kind: str = "offer", payload: str = '{"sdp": "v=0"}') -> dict[str, Any]:
    return {"type": "call.signal", "call_id": call_id, "to": to.id, "signal": kind, "payload": payload}


async def test_a_dm_call_rings_every_tab_connects_forwards_only_participants_signals_and_leaves_an_entry(
    make_server: ServerFactory,
) -> None:
    server = await make_server()
    alice, bob, carol = await people(server, 3)
    dm = (await alice.dm(bob))["id"]
    on_alice, bob_tab1, bob_tab2, on_carol = [await online(server, p) for p in (alice, bob, bob, carol)]

    started = await on_alice.request({"type": "call.start", "room_id": dm, "kind": "video"})
    assert started["type"] == "call.ok", started
    call = started["call"]
    assert call["status"] == "ringing" and call["invited"] == [bob.id] and call["kind"] == "video"
    for tab in (bob_tab1, bob_tab2):
        ring = await tab.expect("call.ring")
        assert ring["data"]["call"]["id"] == call["id"] and ring["data"]["call"]["caller_id"] == alice.id

    stranger = await on_carol.request({"type": "call.accept", "call_id": call["id"]})
    assert stranger["type"] == "error" and stranger["error"]["code"] == "ROOM_NOT_FOUND"
    early = await on_alice.request(signal(call["id"], bob))
    assert early["error"]["code"] == "NOT_IN_CALL"  # nobody answered yet

    accepted = await bob_tab1.request({"type": "call.accept", "call_id": call["id"]})
    assert accepted["call"]["status"] == "active" and accepted["call"]["participants"] == [alice.id, bob.id]
    updated = await on_alice.expect("call.updated")
    assert updated["data"]["call"]["status"] == "active"

    await on_alice.send(signal(call["id"], bob, "offer", '{"sdp": "v=0 alice"}'))
    forwarded = await bob_tab1.expect("call.signal")
    assert forwarded["data"] == {
        "call_id": call["id"],
        "from_user_id": alice.id,
        "signal": "offer",
        "payload": '{"sdp": "v=0 alice"}',
    }
    refused = await on_carol.request(signal(call["id"], bob, "ice", '{"candidate": "evil"}'))
    assert refused["type"] == "error" and refused["error"]["code"] == "NOT_IN_CALL"
    too_big = await on_alice.request(signal(call["id"], bob, "ice", "x" * 20_000))
    assert too_big["error"]["code"] == "BAD_MESSAGE"
    await bob_tab1.send(signal(call["id"], alice, "answer", '{"sdp": "v=0 bob"}'))
    assert (await on_alice.expect("call.signal"))["data"]["signal"] == "answer"
    await on_alice.send(signal(call["id"], bob, "ice", '{"candidate": "good"}'))
    # The stranger's candidate was never forwarded: the next signal Bob gets is Alice's.
    nxt = await bob_tab1.expect("call.signal")
    assert nxt["data"]["payload"] == '{"candidate": "good"}' and nxt["data"]["from_user_id"] == alice.id

    hung = await on_alice.request({"type": "call.hangup", "call_id": call["id"]})
    assert hung["call"]["status"] == "ended" and hung["call"]["reason"] == "completed"
    ended = await bob_tab2.expect("call.updated", within=5.0)
    while ended["data"]["call"]["status"] != "ended":
        ended = await bob_tab2.expect("call.updated")
    assert ended["data"]["call"]["reason"] == "completed"
    assert await entries(bob, dm) == ["Call, 0 s"]
    late = await on_alice.request(signal(call["id"], bob))
    assert late["error"]["code"] == "CALL_ENDED"


async def test_a_callee_in_a_call_is_busy_a_decline_ends_the_ring_and_reads_missed_call(
    make_server: ServerFactory,
) -> None:
    server = await make_server()
    alice, bob, carol = await people(server, 3)
    dm_ab, dm_cb = (await alice.dm(bob))["id"], (await carol.dm(bob))["id"]
    on_alice, on_bob, on_carol = [await online(server, p) for p in (alice, bob, carol)]
    declined_before, busy_before = (
        sample("calls_ended_total", reason="declined"),
        sample("calls_started_total", kind="voice"),
    )

    call = (await on_alice.request({"type": "call.start", "room_id": dm_ab}))["call"]
    busy = await on_carol.request({"type": "call.start", "room_id": dm_cb})
    assert busy["type"] == "error" and busy["error"]["code"] == "CALL_BUSY"
    again = await on_alice.request({"type": "call.start", "room_id": dm_ab})
    assert again["error"]["code"] == "CALL_BUSY"

    declined = await on_bob.request({"type": "call.decline", "call_id": call["id"]})
    assert declined["call"]["status"] == "ended" and declined["call"]["reason"] == "declined"
    seen = await on_alice.expect("call.updated")
    assert seen["data"]["call"]["reason"] == "declined"
    assert await entries(alice, dm_ab) == ["Missed call"]
    assert sample("calls_ended_total", reason="declined") == declined_before + 1
    assert sample("calls_started_total", kind="voice") == busy_before + 1  # the refused ones started nothing
    # Bob is free again: Carol's call now rings him.
    assert (await on_carol.request({"type": "call.start", "room_id": dm_cb}))["call"]["status"] == "ringing"


async def test_an_unanswered_call_is_missed_and_a_participant_whose_socket_closes_is_dropped(
    make_server: ServerFactory, make_settings: SettingsFactory
) -> None:
    server = await make_server(make_settings(calls=CallSettings(ring_seconds=0.5, rejoin_seconds=0.5)))
    alice, bob = await people(server, 2)
    dm = (await alice.dm(bob))["id"]
    on_alice, on_bob = await online(server, alice), await online(server, bob)

    missed = (await on_alice.request({"type": "call.start", "room_id": dm}))["call"]
    ended = await on_alice.expect("call.updated", within=10.0)
    assert ended["data"]["call"]["id"] == missed["id"] and ended["data"]["call"]["reason"] == "missed"
    assert (await on_bob.request({"type": "call.accept", "call_id": missed["id"]}))["error"]["code"] == "CALL_ENDED"

    call = (await on_alice.request({"type": "call.start", "room_id": dm}))["call"]
    await on_bob.request({"type": "call.accept", "call_id": call["id"]})
    await on_bob.close()
    dropped = await on_alice.expect("call.updated", within=10.0)
    while dropped["data"]["call"]["status"] != "ended":
        dropped = await on_alice.expect("call.updated", within=10.0)
    assert dropped["data"]["call"]["reason"] == "dropped"

    async def both_entries() -> bool:
        return len(await entries(alice, dm)) == 2

    await eventually(both_entries)
    newest, oldest = await entries(alice, dm)  # the history is newest first
    assert oldest == "Missed call" and newest.startswith("Call, ") and newest.endswith(" s")

    async def missed_calls() -> list[dict[str, Any]]:
        return [n for n in (await bob.ok("GET", "/api/notifications"))["items"] if n["kind"] == "missed_call"]

    await eventually(missed_calls)
    told = await missed_calls()  # the call bob answered tells nothing; alice, the caller, is told nothing
    assert [(n["data"], n["text"], n["actor"]["id"]) for n in told] == [
        ({"room_id": dm, "call_id": missed["id"]}, f"You missed a call from {alice.user.username}", alice.id)
    ]
    assert not [n for n in (await alice.ok("GET", "/api/notifications"))["items"] if n["kind"] == "missed_call"]


async def test_a_participant_whose_socket_drops_and_comes_back_within_the_grace_stays_in_the_call(
    make_server: ServerFactory, make_settings: SettingsFactory
) -> None:
    settings = make_settings(calls=CallSettings(rejoin_seconds=1.5))
    first = await make_server(settings)
    # Scaled: Bob comes back through another instance (whether he is away is held in Redis).
    second = await make_server(settings) if MODE == "scaled" else first
    alice, bob = await people(first, 2)
    dm = (await alice.dm(bob))["id"]
    on_alice, on_bob = await online(first, alice), await online(first, bob)
    call = (await on_alice.request({"type": "call.start", "room_id": dm, "kind": "video"}))["call"]
    await on_bob.request({"type": "call.accept", "call_id": call["id"]})

    await on_bob.close()
    back = await online(second, bob)
    await asyncio.sleep(2.5)  # past the grace: had he stayed away he would be dropped by now
    live = (await alice.ok("GET", f"/api/calls/rooms/{dm}"))["call"]
    assert live["status"] == "active" and live["participants"] == [alice.id, bob.id]
    # He re-negotiates over his new socket: signals reach him and go from him.
    await on_alice.send(signal(call["id"], bob, "offer", '{"sdp": "v=0 restart"}'))
    assert (await back.expect("call.signal"))["data"]["payload"] == '{"sdp": "v=0 restart"}'
    await back.send(signal(call["id"], alice, "answer"))
    assert (await on_alice.expect("call.signal"))["data"]["signal"] == "answer"

    # Gone for longer than the grace, he is dropped and the call ends.
    await back.close()
    ended = await on_alice.expect("call.updated", within=10.0)
    while ended["data"]["call"]["status"] != "ended":
        ended = await on_alice.expect("call.updated", within=10.0)
    assert ended["data"]["call"]["reason"] == "dropped"


async def test_a_room_call_lets_members_join_and_refuses_a_stranger_to_the_room(make_server: ServerFactory) -> None:
    server = await make_server()
    alice, bob, carol = await people(server, 3)
    room = (await alice.create_room("voice", kind="private"))["id"]
    await alice.invite(room, bob.id)
    on_alice, on_bob, on_carol = [await online(server, p) for p in (alice, bob, carol)]
    assert (await bob.ok("GET", f"/api/calls/rooms/{room}")) == {"call": None}

    call = (await on_alice.request({"type": "call.start", "room_id": room}))["call"]
    assert call["invited"] == [] and call["status"] == "ringing"
    # A member opening the room sees the call to join; the stranger is told no such room.
    assert (await bob.ok("GET", f"/api/calls/rooms/{room}"))["call"]["id"] == call["id"]
    stranger = await carol.call("GET", f"/api/calls/rooms/{room}")
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "ROOM_NOT_FOUND"
    assert (await on_carol.request({"type": "call.start", "room_id": room}))["error"]["code"] == "ROOM_NOT_FOUND"
    assert (await on_carol.request({"type": "call.accept", "call_id": call["id"]}))["error"]["code"] == "ROOM_NOT_FOUND"
    joined = await on_bob.request({"type": "call.accept", "call_id": call["id"]})
    assert joined["call"]["participants"] == [alice.id, bob.id]
    await on_bob.request({"type": "call.hangup", "call_id": call["id"]})
    assert (await bob.ok("GET", f"/api/calls/rooms/{room}")) == {"call": None}  # ended: nothing to join


@pytest.mark.scaled_only
async def test_a_call_between_two_instances_rings_connects_and_signals_across_them(make_server: ServerFactory) -> None:
    a, b = await make_server(), await make_server()
    alice, bob = await people(a, 2)
    dm = (await alice.dm(bob))["id"]
    on_alice, on_bob = await online(a, alice), await online(b, bob)

    call = (await on_alice.request({"type": "call.start", "room_id": dm, "kind": "video"}))["call"]
    assert (await on_bob.expect("call.ring"))["data"]["call"]["id"] == call["id"]
    accepted = await on_bob.request({"type": "call.accept", "call_id": call["id"]})
    assert accepted["call"]["status"] == "active"
    await on_alice.send(signal(call["id"], bob))
    assert (await on_bob.expect("call.signal"))["data"]["from_user_id"] == alice.id
    await on_bob.send(signal(call["id"], alice, "answer"))
    assert (await on_alice.expect("call.signal"))["data"]["signal"] == "answer"
    await on_bob.request({"type": "call.hangup", "call_id": call["id"]})
    ended = await on_alice.expect("call.updated")
    while ended["data"]["call"]["status"] != "ended":
        ended = await on_alice.expect("call.updated")
    assert await entries(alice, dm) == ["Call, 0 s"]


@pytest.mark.scaled_only
async def test_two_people_joining_a_room_call_at_once_through_two_instances_are_both_in_it(
    make_server: ServerFactory,
) -> None:
    a, b = await make_server(), await make_server()
    alice, bob, carol = await people(a, 3)
    room = (await alice.create_room("voice", kind="private"))["id"]
    for member in (bob, carol):
        await alice.invite(room, member.id)
    on_alice, on_bob, on_carol = await online(a, alice), await online(a, bob), await online(b, carol)

    for _ in range(20):
        call = (await on_alice.request({"type": "call.start", "room_id": room}))["call"]
        joins = await asyncio.gather(
            *(tab.request({"type": "call.accept", "call_id": call["id"]}) for tab in (on_bob, on_carol))
        )
        assert [j["type"] for j in joins] == ["call.ok", "call.ok"], joins
        live = (await alice.ok("GET", f"/api/calls/rooms/{room}"))["call"]
        assert set(live["participants"]) == {alice.id, bob.id, carol.id}
        for tab in (on_alice, on_bob, on_carol):
            await tab.request({"type": "call.hangup", "call_id": call["id"]})
        assert (await alice.ok("GET", f"/api/calls/rooms/{room}")) == {"call": None}


@pytest.mark.scaled_only
async def test_two_people_calling_each_other_at_once_through_two_instances_start_one_call(
    make_server: ServerFactory,
) -> None:
    a, b = await make_server(), await make_server()
    alice, bob = await people(a, 2)
    dm = (await alice.dm(bob))["id"]
    on_alice, on_bob = await online(a, alice), await online(b, bob)

    for _ in range(10):
        starts = await asyncio.gather(
            *(tab.request({"type": "call.start", "room_id": dm, "kind": "voice"}) for tab in (on_alice, on_bob))
        )
        [won] = [s for s in starts if s["type"] == "call.ok"]
        [lost] = [s for s in starts if s["type"] == "error"]
        assert lost["error"]["code"] == "CALL_BUSY"
        live = (await alice.ok("GET", f"/api/calls/rooms/{dm}"))["call"]
        assert live["id"] == won["call"]["id"]
        await on_alice.request({"type": "call.hangup", "call_id": live["id"]})
        await on_bob.request({"type": "call.hangup", "call_id": live["id"]})
