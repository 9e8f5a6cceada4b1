"""A plugin's refusal keeps its code when the catalogue has it, and becomes INVALID_MOVE when not."""

from __future__ import annotations

from sanctum.core.errors import ErrorCode as Catalogue
from sanctum.domains.games.engine.errors import GameRefused
from sanctum.domains.games.engine.sdk import ErrorCode, GameError


def test_a_refusal_with_an_sdk_code_keeps_it_and_its_status() -> None:
    refused = GameRefused(GameError(ErrorCode.NOT_YOUR_TURN, "Wait.", {"turn": "p2"}))
    assert (refused.code, refused.status_code, refused.details) == (Catalogue.NOT_YOUR_TURN, 409, {"turn": "p2"})


def test_a_refusal_with_a_code_the_plugin_made_up_is_an_invalid_move_naming_it() -> None:
    refused = GameRefused(GameError("WALL_IN_THE_WAY", "A wall is there."))
    assert refused.code == Catalogue.INVALID_MOVE
    assert refused.status_code == 422
    assert refused.details == {"plugin_code": "WALL_IN_THE_WAY"}
