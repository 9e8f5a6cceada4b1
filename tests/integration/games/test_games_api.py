"""The games API with the fake turn-based game: rooms, play, refusals, bots, matchmaking, rematch,
invitations, ratings, history, replay and deleted users."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from sanctum.db.eventlog import read_events
from sanctum.domains.games.repository import GamesRepository
from tests.conftest import ClientFactory
from tests.factories import DEFAULT_PASSWORD
from tests.integration.games.conftest import GameSettingsFactory
from tests.integration.games.games_api import COUNT, Gamer, gamer, play_out
from tests.support.http import error_of
from tests.support.live import eventually


async def two_gamers(http: httpx.AsyncClient) -> tuple[Gamer, Gamer]:
    return await gamer(http), await gamer(http)


async def test_game_types_list_the_registered_games_with_their_options_schema(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    http = await make_client(game_settings())
    alice = await gamer(http)

    games = {g["name"]: g for g in (await alice.ok("GET", "/api/games"))["games"]}

    assert games[COUNT]["bot_levels"] == ["easy", "hard"]
    assert games[COUNT]["tick_rate"] == 0
    assert games["presses"]["tick_rate"] == 20
    assert games[COUNT]["options_schema"]["properties"]["target"]["maximum"] == 100


async def test_a_room_is_open_until_its_seats_fill_then_play_alternates_to_a_result(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    http = await make_client(game_settings())
    alice, bob = await two_gamers(http)
    room = await alice.open_room(options={"target": 5})
    assert room["status"] == "waiting" and room["my_player_id"] == alice.id
    assert room["topic"] == f"game:{room['id']}"
    listed = await alice.ok("GET", "/api/games/rooms", params={"game": COUNT})
    assert [r["id"] for r in listed["rooms"]] == [room["id"]]

    joined = await bob.sit(room["id"])
    assert joined["status"] == "active"
    assert [p["user_id"] for p in joined["players"]] == [alice.id, bob.id]
    assert (await alice.ok("GET", "/api/games/rooms", params={"game": COUNT}))["rooms"] == []

    final = await play_out(room["id"], alice, bob, [2, 1, 2])  # 2, 3, 5: Alice reaches 5

    assert final["status"] == "finished"
    assert final["outcome"] == {"winners": [alice.id], "reason": "reached_target"}
    assert final["winner_id"] == alice.id and final["version"] == 5  # two joins, three moves


async def test_refused_commands_carry_the_game_codes_with_proper_statuses(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    http = await make_client(game_settings())
    alice, bob = await two_gamers(http)
    carol = await gamer(http)
    room_id = (await alice.open_room(options={"target": 3}))["id"]

    error_of(await alice.try_move(room_id, add=1), 409, "NOT_STARTED")
    await bob.sit(room_id)
    error_of(await bob.try_move(room_id, add=1), 409, "NOT_YOUR_TURN")
    error_of(await alice.try_move(room_id, add=7), 422, "INVALID_MOVE")
    error_of(await alice.try_move(room_id, add=1, padding="x" * 2_000), 422, "INVALID_MOVE")  # too big to store
    error_of(await alice.try_move(room_id, add=2**70), 422, "INVALID_MOVE")  # beyond 64 bits: cannot be stored
    error_of(await carol.try_move(room_id, add=1), 403, "NOT_IN_ROOM")
    error_of(await carol.call("POST", f"/api/games/rooms/{room_id}/join"), 409, "ROOM_FULL")
    error_of(await alice.call("POST", f"/api/games/rooms/{room_id}/join"), 409, "ALREADY_IN_ROOM")
    await alice.play(room_id, add=3)
    error_of(await bob.try_move(room_id, add=1), 409, "GAME_OVER")

    assert (await alice.game_room(room_id))["version"] == 3  # nothing refused was applied


async def test_bad_input_gets_clear_client_errors(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    http = await make_client(game_settings())
    alice = await gamer(http)

    bad_options = await alice.call("POST", "/api/games/rooms", json={"game": COUNT, "options": {"target": 1}})
    assert error_of(bad_options, 422, "BAD_OPTIONS")["fields"] == {
        "options.target": "Input should be greater than or equal to 3"
    }
    error_of(await alice.call("POST", "/api/games/rooms", json={"game": "chess"}), 404, "GAME_NOT_FOUND")
    error_of(
        await alice.call("POST", "/api/games/rooms", json={"game": COUNT, "vs_bot": True, "bot_level": "god"}),
        422,
        "VALIDATION_FAILED",
    )
    error_of(
        await alice.call("GET", f"/api/games/rooms/{'0' * 8}-0000-0000-0000-{'0' * 12}"), 404, "GAME_ROOM_NOT_FOUND"
    )
    error_of(await alice.call("GET", "/api/games/rooms", params={"cursor": "nope"}), 422, "VALIDATION_FAILED")
    error_of(
        await alice.call("POST", "/api/games/rooms", json={"game": COUNT, "options": {"x": "\x00"}}),
        422,
        "VALIDATION_FAILED",
    )


async def test_a_bot_answers_each_move_and_the_hard_bot_wins(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    http = await make_client(game_settings())
    alice = await gamer(http)
    room = await alice.open_room(vs_bot=True, bot_level="hard", options={"target": 10})
    assert room["status"] == "active" and room["players"][1]["player_id"] == "bot:hard"
    assert not room["is_public"]

    while room["status"] == "active":
        room = await alice.play(room["id"], add=1)
        await eventually(lambda r=room: _settled(alice, r["id"]))
        room = await alice.game_room(room["id"])

    assert room["outcome"]["winners"] == ["bot:hard"]
    assert room["winner_id"] is None  # a bot is not a user
    board = await alice.ok("GET", f"/api/games/{COUNT}/leaderboard")
    assert board["entries"] == []  # games against bots are unrated


async def _settled(gamer: Gamer, room_id: str) -> bool:
    room = await gamer.game_room(room_id)
    return room["status"] != "active" or room["state"]["to_move"] == gamer.id


async def test_a_finished_game_rates_both_players_and_shows_in_history_and_replay(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    http = await make_client(game_settings())
    alice, bob = await two_gamers(http)
    room_id = (await alice.open_room(options={"target": 4}))["id"]
    await bob.sit(room_id)
    await play_out(room_id, alice, bob, [1, 1, 2])

    board = await bob.ok("GET", f"/api/games/{COUNT}/leaderboard")
    assert [(e["user"]["id"], e["rating"], e["wins"], e["losses"]) for e in board["entries"]] == [
        (alice.id, 1216, 1, 0),
        (bob.id, 1184, 0, 1),
    ]
    history = await bob.ok("GET", f"/api/games/users/{alice.id}/history")
    assert [g["id"] for g in history["games"]] == [room_id]
    replay = await bob.ok("GET", f"/api/games/rooms/{room_id}/replay")
    assert replay["complete"] is True
    assert [(s["kind"], s["state"]["total"]) for s in replay["steps"]] == [
        ("join", 0),
        ("join", 0),
        ("move", 1),
        ("move", 2),
        ("move", 4),
    ]


async def test_leaving_before_the_start_frees_the_seat_and_during_the_game_forfeits(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    http = await make_client(game_settings())
    alice, bob = await two_gamers(http)
    lonely = (await alice.open_room())["id"]
    await alice.stand(lonely)
    assert (await alice.game_room(lonely))["status"] == "abandoned"

    room_id = (await alice.open_room())["id"]
    await bob.sit(room_id)
    await bob.stand(room_id)

    room = await alice.game_room(room_id)
    assert room["status"] == "finished" and room["outcome"] == {"winners": [alice.id], "reason": "forfeit"}
    assert [p["left"] for p in room["players"]] == [False, True]
    error_of(await bob.call("POST", f"/api/games/rooms/{room_id}/leave"), 403, "NOT_IN_ROOM")


async def test_play_now_pairs_waiting_players_and_falls_back_to_a_bot(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    http = await make_client(game_settings(bot_fallback_seconds=1.0))
    alice, bob = await two_gamers(http)

    waiting = await alice.play_now()
    assert waiting["status"] == "waiting" and waiting["matchmaking"] is True
    assert (await alice.play_now())["id"] == waiting["id"]  # asking again is the same wait
    paired = await bob.play_now()
    assert paired["id"] == waiting["id"] and paired["status"] == "active"

    carol = await gamer(http)
    alone = await carol.play_now()
    await eventually(lambda: _status_is(carol, alone["id"], "active"))
    room = await carol.game_room(alone["id"])
    assert room["players"][1]["is_bot"] and room["players"][1]["bot_level"] in ("easy", "hard")


async def test_play_now_never_pairs_two_people_of_whom_one_blocked_the_other_either_way(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    # No bot steps in during the test: every "play now" room stays waiting until a person joins it.
    http = await make_client(game_settings(bot_fallback_seconds=600.0))
    alice, bob = await two_gamers(http)
    carol, dave, erin = await gamer(http), await gamer(http), await gamer(http)
    await alice.ok("POST", f"/api/users/{bob.id}/block")
    await dave.ok("POST", f"/api/users/{bob.id}/block")

    alices = await alice.play_now()
    bobs = await bob.play_now()  # the blocked one asks while the blocker waits
    carols = await carol.play_now()  # someone else takes the blocker's seat
    daves = await dave.play_now()  # the blocker asks while the blocked one waits
    erins = await erin.play_now()

    assert bobs["id"] != alices["id"] and bobs["players"][0]["user_id"] == bob.id
    assert carols["id"] == alices["id"] and carols["status"] == "active"
    assert daves["id"] not in (bobs["id"], alices["id"]) and daves["status"] == "waiting"
    assert erins["id"] == bobs["id"] and erins["status"] == "active"
    bob_room = await bob.game_room(bobs["id"])
    assert {p["user_id"] for p in bob_room["players"]} == {bob.id, erin.id}
    assert (await dave.game_room(daves["id"]))["status"] == "waiting"


async def _status_is(gamer: Gamer, room_id: str, status: str) -> bool:
    return (await gamer.game_room(room_id))["status"] == status


async def test_rematch_opens_one_room_for_both_players_and_invites_the_other(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    http = await make_client(game_settings())
    alice, bob = await two_gamers(http)
    room_id = (await alice.open_room(options={"target": 3}))["id"]
    await bob.sit(room_id)
    error_of(await alice.call("POST", f"/api/games/rooms/{room_id}/rematch"), 409, "GAME_NOT_FINISHED")
    await alice.play(room_id, add=3)

    again = await bob.ok("POST", f"/api/games/rooms/{room_id}/rematch")
    joined = await alice.ok("POST", f"/api/games/rooms/{room_id}/rematch")

    assert joined["id"] == again["id"] and joined["rematch_of"] == room_id and joined["status"] == "active"
    assert [p["user_id"] for p in joined["players"]] == [bob.id, alice.id]
    invites = await _logged(http, f"user:{alice.id}")
    assert [(e["type"], e["data"]["room_id"]) for e in invites] == [("game.invite", again["id"])]
    assert (await _logged(http, f"game:{room_id}"))[-1]["type"] == "game.rematch"


async def _logged(http: httpx.AsyncClient, topic: str) -> list[dict[str, object]]:
    app = http._transport.app  # type: ignore[attr-defined]
    async with app.state.services.db.reader() as session:
        return [orjson.loads(e.frame) for e in await read_events(session, topic, after=0)]


async def test_invite_pushes_a_game_invite_to_the_invitee(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    http = await make_client(game_settings())
    alice, bob = await two_gamers(http)
    carol = await gamer(http)
    room_id = (await alice.open_room())["id"]

    await alice.ok("POST", f"/api/games/rooms/{room_id}/invite", 204, json={"user_id": bob.id})
    error_of(
        await carol.call("POST", f"/api/games/rooms/{room_id}/invite", json={"user_id": bob.id}), 403, "NOT_IN_ROOM"
    )

    [invite] = await _logged(http, f"user:{bob.id}")
    assert invite["type"] == "game.invite"
    assert invite["data"] == {
        "room_id": room_id,
        "game": COUNT,
        "title": "Count to Ten",
        "from": {"id": alice.id, "name": alice.username},
    }


async def test_deleting_a_player_keeps_the_game_with_nulls_and_a_deleted_user(
    make_client: ClientFactory, game_settings: GameSettingsFactory, database_url: str
) -> None:
    http = await make_client(game_settings())
    alice, bob = await two_gamers(http)
    room_id = (await alice.open_room(options={"target": 3}))["id"]
    await bob.sit(room_id)
    await alice.play(room_id, add=3)

    await alice.ok("DELETE", "/api/users/me", 204, json={"password": DEFAULT_PASSWORD})

    room = await bob.game_room(room_id)
    assert room["creator_id"] is None and room["winner_id"] is None and room["opponent_id"] == bob.id
    assert [(p["user_id"], p["name"]) for p in room["players"]] == [(None, "Deleted user"), (bob.id, bob.username)]
    assert room["outcome"]["winners"] == [alice.id]  # who won stays part of the record
    replay = await bob.ok("GET", f"/api/games/rooms/{room_id}/replay")
    assert replay["complete"] is False  # Alice's moves went with her account
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            moves = (await conn.execute(text("SELECT player_id FROM game_moves ORDER BY version"))).scalars().all()
    finally:
        await engine.dispose()
    assert moves == [bob.id]
    assert (await bob.ok("GET", f"/api/games/users/{bob.id}/history"))["games"][0]["players"][0][
        "name"
    ] == "Deleted user"


async def test_concurrent_moves_through_two_instances_make_one_consistent_game(
    make_client: ClientFactory, game_settings: GameSettingsFactory
) -> None:
    settings = game_settings()
    one, two = await make_client(settings), await make_client(settings)
    alice, bob = await two_gamers(one)
    alice_two, bob_two = Gamer(two, alice.user), Gamer(two, bob.user)
    room_id = (await alice.open_room(options={"target": 100}))["id"]
    await bob_two.sit(room_id)

    # Both players hammer both instances at once; only moves made on the player's turn may land.
    attempts = [g.try_move(room_id, add=1) for _ in range(12) for g in (alice, bob, alice_two, bob_two)]
    responses = await asyncio.gather(*attempts)

    accepted = [r for r in responses if r.status_code == 200]
    assert accepted and all(r.status_code in (200, 409) for r in responses), {r.status_code for r in responses}
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} <= {"NOT_YOUR_TURN", "BUSY"}
    room = await alice.game_room(room_id)
    async with one._transport.app.state.services.db.reader() as session:  # type: ignore[attr-defined]
        rows = await GamesRepository().moves(session, uuid.UUID(room_id))
        events = [orjson.loads(e.frame) for e in await read_events(session, f"game:{room_id}", after=0)]
    moves = [r.player_id for r in rows[2:]]
    assert [r.version for r in rows] == list(range(1, room["version"] + 1))  # no version twice, none lost
    assert moves == [alice.id, bob.id] * (len(moves) // 2) + [alice.id] * (len(moves) % 2)  # strictly alternating
    assert room["state"]["total"] == len(moves) == len(accepted)
    assert [e["data"]["version"] for e in events] == list(range(1, room["version"] + 1))  # one event per version


async def test_a_move_retried_with_its_version_is_played_once_and_a_move_on_an_old_version_is_refused(
    client: httpx.AsyncClient,
) -> None:
    alice, bob = await two_gamers(client)
    room_id = (await alice.open_room("connect_four"))["id"]
    seen = (await bob.sit(room_id))["version"]
    path = f"/api/games/rooms/{room_id}/moves"

    first = await alice.call("POST", path, json={"move": {"column": 3}, "version": seen})
    retried = await alice.call("POST", path, json={"move": {"column": 3}, "version": seen})
    answered = await bob.call("POST", path, json={"move": {"column": 4}, "version": seen + 1})
    retried_later = await alice.call("POST", path, json={"move": {"column": 3}, "version": seen})
    on_an_old_view = await alice.call("POST", path, json={"move": {"column": 5}, "version": seen})
    not_the_same_move = await bob.call("POST", path, json={"move": {"column": 6}, "version": seen + 1})

    assert first.status_code == retried.status_code == answered.status_code == 200, first.text
    assert retried.json()["version"] == first.json()["version"] == seen + 1
    assert retried_later.status_code == 200 and retried_later.json()["version"] == seen + 2
    error_of(on_an_old_view, 409, "STALE_VERSION")
    error_of(not_the_same_move, 409, "STALE_VERSION")
    room = await alice.game_room(room_id)
    assert room["version"] == seen + 2
    assert room["state"]["moves"] == [3, 4]
