"""Games over real sockets: moves and refusals on the `games` hub, spectators, the reconnect window,
a room surviving its instance, and the real-time loop with its lease."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.conftest import SCALED
from tests.integration.games.conftest import GameSettingsFactory
from tests.integration.games.games_api import Gamer, Screen
from tests.support.live import LiveServer, ServerFactory, WsClient, eventually


async def seated(server: LiveServer, **room: Any) -> tuple[Gamer, Gamer, str]:
    alice, bob = Gamer(server.http, await server.register()), Gamer(server.http, await server.register())
    room_id = (await alice.open_room(**room))["id"]
    await bob.sit(room_id)
    return alice, bob, room_id


async def watch(server: LiveServer, gamer: Gamer, room_id: str, since: int | None = None) -> WsClient:
    socket = await server.connect(gamer.user)
    await socket.subscribe(f"game:{room_id}", since=since)
    return socket


async def test_moves_over_the_socket_reach_players_and_spectators_and_refusals_are_error_envelopes(
    make_server: ServerFactory, game_settings: GameSettingsFactory
) -> None:
    server = await make_server(game_settings())
    alice, bob, room_id = await seated(server, options={"target": 5})
    carol = Gamer(server.http, await server.register())
    topic = f"game:{room_id}"
    spectator = await carol.ok("POST", f"/api/games/rooms/{room_id}/spectate")
    assert spectator["my_player_id"] is None and spectator["state"]["total"] == 0
    on_alice, on_bob, on_carol = [await watch(server, g, room_id) for g in (alice, bob, carol)]

    ack = await on_alice.request({"type": "game.move", "topic": topic, "move": {"add": 2}})
    refused = await on_alice.request({"type": "game.move", "topic": topic, "move": {"add": 1}})

    assert ack["type"] == "game.move.ok" and ack["version"] == 3
    assert refused["type"] == "error" and refused["error"]["code"] == "NOT_YOUR_TURN"
    for socket in (on_bob, on_carol):
        moved = await socket.expect("game.moved", topic=topic)
        assert moved["data"]["move"] == {"add": 2} and moved["data"]["state"]["total"] == 2
        assert moved["data"]["player"] == alice.id and moved["data"]["version"] == 3
    invalid = await on_bob.request({"type": "game.move", "topic": topic, "move": {"add": "x"}})
    assert invalid["error"]["code"] == "INVALID_MOVE" and invalid["error"]["details"] == {"add": "must be 1, 2 or 3"}
    intruder = await on_carol.request({"type": "game.move", "topic": topic, "move": {"add": 1}})
    assert intruder["error"]["code"] == "NOT_IN_ROOM"


async def test_a_player_who_comes_back_within_the_window_plays_on(
    make_server: ServerFactory, game_settings: GameSettingsFactory
) -> None:
    server = await make_server(game_settings(reconnect_window_seconds=30.0))
    alice, bob, room_id = await seated(server)
    on_alice, on_bob = await watch(server, alice, room_id), await watch(server, bob, room_id)

    await on_alice.close()
    away = await on_bob.expect("game.player_away")
    assert away["data"]["player"] == alice.id and away["data"]["seconds"] == 30.0
    assert away["data"]["name"] == alice.username and "deadline" in away["data"]
    assert (await bob.game_room(room_id))["players"][0]["away_until"] is not None

    back = await watch(server, alice, room_id, since=away["seq"])
    assert (await on_bob.expect("game.player_back"))["data"]["player"] == alice.id
    ack = await back.request({"type": "game.move", "topic": f"game:{room_id}", "move": {"add": 1}})
    assert ack["type"] == "game.move.ok"
    assert (await bob.game_room(room_id))["status"] == "active"


async def test_a_player_who_stays_away_past_the_window_forfeits(
    make_server: ServerFactory, game_settings: GameSettingsFactory
) -> None:
    server = await make_server(game_settings(reconnect_window_seconds=0.3))
    alice, bob, room_id = await seated(server)
    waiting = (await alice.open_room())["id"]
    on_alice, on_bob = await watch(server, alice, room_id), await watch(server, bob, room_id)

    on_alice.abort()  # a crashed browser: no close handshake

    await on_bob.expect("game.player_away")
    ended = await on_bob.expect("game.ended")
    assert ended["data"]["outcome"] == {"winners": [bob.id], "reason": "forfeit"}
    room = await bob.game_room(room_id)
    assert room["status"] == "finished" and room["winner_id"] == bob.id
    await eventually(lambda: _status(bob, waiting, "abandoned"))  # nobody left to wait in her open room


async def test_a_room_survives_the_loss_of_its_instance(
    make_server: ServerFactory, game_settings: GameSettingsFactory
) -> None:
    settings = game_settings()
    first, second = await make_server(settings), await make_server(settings)
    alice, bob, room_id = await seated(first, options={"target": 20})
    on_alice = await watch(first, alice, room_id)
    await alice.play(room_id, add=3)
    seen = (await on_alice.expect("game.moved"))["seq"]

    await first.stop()

    # Alice reconnects to the other instance and resumes from the last event she saw.
    alice2, bob2 = Gamer(second.http, alice.user), Gamer(second.http, bob.user)
    again = await watch(second, alice2, room_id, since=seen)
    await bob2.play(room_id, add=2)
    moved = await again.expect("game.moved")
    assert moved["data"]["state"]["total"] == 5 and moved["seq"] > seen
    assert (await alice2.play(room_id, add=1))["state"]["total"] == 6


async def test_a_real_time_room_ticks_publishes_frames_and_ends_by_its_rules(
    make_server: ServerFactory, game_settings: GameSettingsFactory
) -> None:
    server = await make_server(game_settings())
    alice, bob, room_id = await seated(server, game="presses", options={"presses": 3})
    topic = f"game:{room_id}"
    on_alice = await watch(server, alice, room_id)

    screen = Screen(on_alice, topic)
    first = await screen.next()
    assert first["type"] == "game.frame"  # a keyframe first, then deltas
    later = await screen.next()
    assert later["type"] == "game.delta" and later["data"]["base"] == first["data"]["tick"] and "seq" not in later
    assert (await on_alice.request({"type": "game.move", "topic": topic, "move": {"press": True}}))[
        "type"
    ] == "game.move.ok"
    for _ in range(2):
        await on_alice.send({"type": "game.move", "topic": topic, "move": {"press": True}})

    ended = await on_alice.expect("game.ended", topic=topic)
    assert ended["data"]["outcome"] == {"winners": [alice.id], "reason": "most_presses"}
    await eventually(lambda: _status(bob, room_id, "finished"))


async def test_a_socket_that_resubscribes_or_resumes_mid_game_gets_a_keyframe_before_any_delta(
    make_server: ServerFactory, game_settings: GameSettingsFactory
) -> None:
    # No periodic keyframe within the test: every keyframe after the first is one a subscribe asked for.
    settings = game_settings(keyframe_interval_ticks=10_000)
    first = await make_server(settings)
    # Scaled: the late sockets are on another instance than the one that took the room's lease.
    other = await make_server(settings) if SCALED else first
    alice, bob, room_id = await seated(first, game="presses", options={"presses": 50})
    topic = f"game:{room_id}"
    screen = Screen(await watch(first, alice, room_id), topic)
    assert (await screen.next())["type"] == "game.frame"
    assert (await screen.next())["type"] == "game.delta"
    playing = screen.tick or 0
    if SCALED:
        assert _owns(first, room_id) and not _owns(other, room_id)

    async def first_frame(socket: WsClient) -> dict[str, Any]:
        async with asyncio.timeout(10):
            while True:
                frame = await socket.recv()
                if frame.get("topic") == topic and frame["type"] in ("game.frame", "game.delta"):
                    return frame

    bob2 = Gamer(other.http, bob.user)
    late = await watch(other, bob2, room_id)
    joined = await first_frame(late)
    assert joined["type"] == "game.frame" and joined["data"]["tick"] > playing

    # Resubscribing on the same socket, and resuming on a new one from the last event seen.
    await late.request({"type": "unsubscribe", "topic": topic})
    await late.subscribe(topic)
    again = await first_frame(late)
    assert again["type"] == "game.frame" and again["data"]["tick"] > joined["data"]["tick"]
    resumed = await watch(other, bob2, room_id, since=0)
    back = await first_frame(resumed)
    assert back["type"] == "game.frame" and back["data"]["tick"] > joined["data"]["tick"]

    # The keyframes they asked for reached the socket that was watching all along, in its sequence.
    assert (await screen.until(lambda view: screen.tick is not None and screen.tick > back["data"]["tick"])) is not None
    ack = await late.request({"type": "game.move", "topic": topic, "move": {"press": True}})
    assert ack["type"] == "game.move.ok"
    await screen.until(lambda view: view["scores"].get(bob.id) == 1)


async def _status(gamer: Gamer, room_id: str, status: str) -> bool:
    return (await gamer.game_room(room_id))["status"] == status


@pytest.mark.scaled_only
async def test_a_real_time_room_runs_on_one_instance_and_another_takes_over_when_it_dies(
    make_server: ServerFactory, game_settings: GameSettingsFactory
) -> None:
    settings = game_settings(lease_seconds=0.6)
    first, second = await make_server(settings), await make_server(settings)
    alice, _bob, room_id = await seated(first, game="presses", options={"presses": 50})
    topic = f"game:{room_id}"
    alice2 = Gamer(second.http, alice.user)
    on_second = await watch(second, alice2, room_id)
    screen = Screen(on_second, topic)
    await screen.next()
    owners = [s for s in (first, second) if _owns(s, room_id)]
    assert len(owners) == 1  # exactly one loop, whoever took the lease

    # An input sent to the instance that does not run the loop is forwarded to the one that does.
    ack = await on_second.request({"type": "game.move", "topic": topic, "move": {"press": True}})
    assert ack["type"] == "game.move.ok"
    await screen.until(lambda view: view["scores"].get(alice.id) == 1)

    await asyncio.sleep(0.5)  # at least one snapshot (every 0.2 s here) holds the press
    owner, other = (first, second) if owners[0] is first else (second, first)
    watcher = screen if other is second else Screen(await watch(first, alice, room_id), topic)
    _crash_loop(owner, room_id)  # the loop dies without releasing its lease, as in a crash
    # ...and its instance with it: nothing there may pick the room up again (a wake or a forwarded
    # input would start a fresh actor on the same instance, which holds the lease already).
    await owner.stop()

    await eventually(lambda: _owns(other, room_id), within=10.0)  # once the lease has lapsed
    view = await watcher.until(lambda view: view["scores"].get(alice.id) == 1)
    assert view["scores"][alice.id] == 1  # restored from the snapshot


@pytest.mark.scaled_only
async def test_an_instance_shutting_down_hands_its_real_time_rooms_over_at_once(
    make_server: ServerFactory, game_settings: GameSettingsFactory
) -> None:
    # Leases checked every 10 s: a takeover within a few seconds is the release, not the lapse.
    settings = game_settings(lease_seconds=30.0)
    first, second = await make_server(settings), await make_server(settings)
    alice, _bob, room_id = await seated(first, game="presses", options={"presses": 50})
    topic = f"game:{room_id}"
    on_second = await watch(second, Gamer(second.http, alice.user), room_id)
    await on_second.expect("game.frame", topic=topic)
    on_first = await watch(first, alice, room_id)
    await on_first.expect("game.frame", topic=topic)
    [owner] = [s for s in (first, second) if _owns(s, room_id)]
    other, watcher = (second, on_second) if owner is first else (first, on_first)

    started = time.monotonic()
    await owner.stop()  # as on SIGTERM

    await eventually(lambda: _owns(other, room_id), within=5.0)
    await watcher.expect("game.frame", topic=topic)
    assert time.monotonic() - started < 5.0


def _crash_loop(server: LiveServer, room_id: str) -> None:
    import uuid

    actor = server.app.state.services.game_engine.actors[uuid.UUID(room_id)]
    actor.live.owner = False  # so its clean-up neither saves nor releases the lease
    if actor.live.chores is not None:
        actor.live.chores.cancel()
    assert actor.task is not None
    actor.task.cancel()


def _owns(server: LiveServer, room_id: str) -> bool:
    import uuid

    engine = server.app.state.services.game_engine
    actor = engine.actors.get(uuid.UUID(room_id))
    return actor is not None and actor.live.owner
