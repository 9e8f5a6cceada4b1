"""Players and helpers the plugin tests share."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from sanctum.domains.games.engine.sdk import GameError, GamePlugin, Player

ALICE = Player("u-alice", "Alice")
BOB = Player("u-bob", "Bob")
CAROL = Player("u-carol", "Carol")

S = TypeVar("S")


def seated(plugin: GamePlugin[S], state: S, *players: Player) -> S:
    for player in players:
        assert plugin.join_attempt(state, player) is None
        state = plugin.on_join(state, player)
    return state


def accepted(result: S | GameError) -> S:
    assert not isinstance(result, GameError), result
    return result


def refused(result: object, code: str) -> GameError:
    assert isinstance(result, GameError), result
    assert result.code == code, result
    return result


def untouched(plugin: GamePlugin[S], state: S, call: Callable[[S], Any]) -> Any:
    """`call(state)`, checking it left `state` exactly as it was (deep-compared through encode)."""
    before = json.dumps(plugin.encode(state), sort_keys=True)
    out = call(state)
    assert json.dumps(plugin.encode(state), sort_keys=True) == before
    return out


def round_trips(plugin: GamePlugin[S], state: S) -> None:
    """encode is JSON, decode inverts it, and every view is JSON too."""
    data = json.loads(json.dumps(plugin.encode(state)))
    assert plugin.decode(data) == state
    for who in (None, ALICE, BOB, CAROL):
        json.dumps(plugin.view(state, who))


def every_callback_leaves_it_alone(plugin: GamePlugin[S], state: S, level: str) -> None:
    """Views, bots, joins, leaves and ticks return new states or data; the one handed in stays as it was."""
    for who in (None, ALICE, BOB, CAROL):
        untouched(plugin, state, lambda s, w=who: plugin.view(s, w))
    for seated_player in (ALICE, BOB):
        untouched(plugin, state, lambda s, p=seated_player: plugin.bot_move(s, p, level))
        untouched(plugin, state, lambda s, p=seated_player: plugin.on_leave(s, p))
    untouched(plugin, state, lambda s: plugin.join_attempt(s, CAROL))
    untouched(plugin, state, lambda s: plugin.on_join(s, CAROL))
    untouched(plugin, state, lambda s: plugin.tick(s, 0.05))
    untouched(plugin, state, plugin.result)
