"""Delta frames (engine/frames.py): a keyframe and the deltas after it, as a socket receives them,
reproduce every view the room had, for random games of every real-time plugin."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctum.domains.games.engine.frames import RoomFrames, apply, diff
from sanctum.domains.games.engine.sdk import GameError, GamePlugin, Player
from sanctum.domains.games.registry import GameRegistry
from tests.support.fake_games import FAKE_PLUGINS

REAL_TIME = [p for p in GameRegistry.default(FAKE_PLUGINS) if p.tick_rate > 0]
PLAYERS = [Player("p1", "Ann"), Player("p2", "Bob"), Player("p3", "Cat"), Player("p4", "Dan")]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-1, 2) | st.sampled_from([0.0, 1.0, -1.5]) | st.text(max_size=2),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=20,
)
# Moves as a client might send them: the games' own ({"dir": ...}, {"press": true}) and nonsense.
moves = st.dictionaries(
    st.sampled_from(["dir", "press", "x"]), st.integers(-2, 2) | st.booleans() | st.none(), max_size=2
)
steps = st.lists(
    st.tuples(
        st.floats(0.0, 0.7, allow_nan=False),  # dt of the tick
        st.integers(0, 3),  # the seat that moves
        moves | st.none(),  # its move (none: it does nothing this tick)
        st.booleans(),  # whether the seats' bots play this tick
        st.booleans(),  # whether a socket subscribes (the next frame is a keyframe)
    ),
    max_size=150,
)


def wire(value: Any) -> Any:
    return orjson.loads(orjson.dumps(value))


def exactly(value: Any) -> bytes:
    """As JSON text, keys sorted: `1`, `1.0` and `true` differ here, though `==` holds between them."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


@given(old=json_values, new=json_values)
def test_applying_the_diff_of_two_json_values_turns_the_first_into_the_second(old: Any, new: Any) -> None:
    changes = wire(diff(old, new))
    assert exactly(apply(wire(old), changes)) == exactly(new)
    assert diff(new, new) == []


@pytest.mark.parametrize("plugin", REAL_TIME, ids=lambda p: p.name)
@settings(max_examples=60, deadline=None)
@given(game=steps, keyframe_every=st.integers(1, 40))
def test_a_keyframe_and_the_deltas_after_it_reproduce_every_view_of_a_random_game(
    plugin: GamePlugin[Any], game: list[tuple[float, int, dict[str, Any] | None, bool, bool]], keyframe_every: int
) -> None:
    state = plugin.init(plugin.options_model())
    seated = PLAYERS[: plugin.max_players]
    for player in seated:
        state = plugin.on_join(state, player)
    frames = RoomFrames(uuid.uuid4(), "game:x", keyframe_every)
    shown: Any = None
    tick: int | None = None
    for n, (dt, seat, move, bots, subscribed) in enumerate(game, start=1):
        player = seated[seat % len(seated)]
        if move is not None:
            result = plugin.handle(state, player, move)
            state = state if isinstance(result, GameError) else result
        state = plugin.tick(state, dt)
        if bots and plugin.bot_levels:
            for i, bot in enumerate(seated):
                bot_move = plugin.bot_move(state, bot, plugin.bot_levels[i % len(plugin.bot_levels)])
                result = plugin.handle(state, bot, bot_move) if bot_move is not None else state
                state = state if isinstance(result, GameError) else result
        if subscribed:
            frames.want_keyframe()
        view = plugin.view(state, None)
        sent = orjson.loads(frames.next(n, view).frame)  # what a socket reads
        data = sent["data"]
        if sent["type"] == "game.frame":
            shown = data["state"]
        else:
            assert sent["type"] == "game.delta" and shown is not None and data["base"] == tick
            shown = apply(shown, data["changes"])
        assert (n == 1 or subscribed or n % keyframe_every == 0) == (sent["type"] == "game.frame")
        tick = data["tick"]
        assert exactly(shown) == exactly(view)
