"""The engine's rules around any plugin (seats, start, forfeit, refusals), with a fake game."""

from __future__ import annotations

import uuid

import pytest

from sanctum.domains.games.engine.errors import GameRefused
from sanctum.domains.games.engine.rules import Command, Snapshot, apply_join, apply_leave, apply_move
from sanctum.domains.games.engine.sdk import Player
from sanctum.domains.games.ratings import elo
from sanctum.domains.games.service import match_distance
from tests.support.fake_games import CountOptions, CountToTen

GAME = CountToTen()
ALICE, BOB, CAROL = Player("a", "Alice"), Player("b", "Bob"), Player("c", "Carol")


def fresh(target: int = 10) -> Snapshot:
    return Snapshot(uuid.uuid4(), GAME.name, "waiting", 0, GAME.init(CountOptions(target=target)), ())


def join(snap: Snapshot, player: Player) -> Snapshot:
    return apply_join(snap, GAME, Command("join", player)).new


def refused(code: str, call: object, *args: object) -> None:
    with pytest.raises(GameRefused) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.code == code


def test_the_game_starts_when_enough_players_sit_and_a_full_room_refuses_more() -> None:
    one = join(fresh(), ALICE)
    assert one.status == "waiting" and one.version == 1
    two = apply_join(one, GAME, Command("join", BOB))
    assert two.started and two.new.status == "active" and two.new.version == 2
    refused("ROOM_FULL", apply_join, two.new, GAME, Command("join", CAROL))
    refused("ALREADY_IN_ROOM", apply_join, one, GAME, Command("join", ALICE))


def test_moves_are_refused_before_the_start_out_of_turn_and_after_the_end_and_never_touch_the_snapshot() -> None:
    one = join(fresh(target=3), ALICE)
    refused("NOT_STARTED", apply_move, one, GAME, Command("move", ALICE, move={"add": 1}))
    two = join(one, BOB)
    before = (two.state, two.version, two.seats)
    refused("NOT_YOUR_TURN", apply_move, two, GAME, Command("move", BOB, move={"add": 1}))
    refused("NOT_IN_ROOM", apply_move, two, GAME, Command("move", CAROL, move={"add": 1}))
    won = apply_move(two, GAME, Command("move", ALICE, move={"add": 3})).new
    assert (two.state, two.version, two.seats) == before
    assert won.status == "finished" and won.outcome is not None and won.outcome.winners == ("a",)
    refused("GAME_OVER", apply_move, won, GAME, Command("move", BOB, move={"add": 1}))


def test_leaving_a_running_game_forfeits_and_leaving_a_waiting_room_frees_the_seat() -> None:
    running = join(join(fresh(), ALICE), BOB)
    change = apply_leave(running, GAME, Command("leave", BOB))
    assert change is not None and change.leave_seat == 1
    assert change.new.status == "finished" and change.new.outcome is not None
    assert change.new.outcome.winners == ("a",) and change.new.outcome.reason == "forfeit"

    waiting = join(fresh(), ALICE)
    gone = apply_leave(waiting, GAME, Command("leave", ALICE))
    assert gone is not None and gone.drop_seat == 0 and gone.new.status == "abandoned" and gone.new.seats == ()
    refused("NOT_IN_ROOM", apply_leave, waiting, GAME, Command("leave", BOB))


def test_play_now_prefers_the_closest_rating_and_widens_the_window_as_a_room_waits() -> None:
    assert match_distance(1250, 1200, 0.0) == 50
    assert match_distance(1350, 1200, 0.0) == float("inf")  # 150 apart, the window starts at 100
    assert match_distance(1350, 1200, 1.0) == 150  # after a second it is 150 wide
    assert sorted([1290, 1180, 1230], key=lambda r: match_distance(r, 1200, 0.0)) == [1180, 1230, 1290]


def test_elo_moves_points_from_loser_to_winner_and_less_for_an_expected_win() -> None:
    assert elo(1200, 1200, 1.0) == (1216, 1184)
    assert elo(1200, 1200, 0.5) == (1200, 1200)
    strong, weak = elo(1400, 1000, 1.0)
    assert strong - 1400 < 16 and strong - 1400 == 1000 - weak
