"""A plugin's `GameError` as an API error: the same code, with the HTTP status it deserves.

A plugin's codes come from the SDK's `ErrorCode`, which is part of the catalogue (core/errors.py); a
code a plugin made up is answered as INVALID_MOVE, with its own code in `details.plugin_code`."""

from __future__ import annotations

from sanctum.core.errors import AppError
from sanctum.core.errors import ErrorCode as Catalogue
from sanctum.domains.games.engine.sdk import ErrorCode, GameError

_STATUS = {
    ErrorCode.ROOM_FULL: 409,
    ErrorCode.INVALID_MOVE: 422,
    ErrorCode.NOT_YOUR_TURN: 409,
    ErrorCode.GAME_OVER: 409,
    ErrorCode.NOT_IN_ROOM: 403,
    ErrorCode.NOT_STARTED: 409,
    ErrorCode.ALREADY_IN_ROOM: 409,
    ErrorCode.BAD_OPTIONS: 422,
    ErrorCode.STALE_VERSION: 409,
}


class GameRefused(AppError):
    """A room or a plugin refused a command; the state is unchanged."""

    def __init__(self, error: GameError) -> None:
        details = dict(error.details)
        if error.code in Catalogue.__members__:
            code = Catalogue(error.code)
        else:
            code, details["plugin_code"] = Catalogue.INVALID_MOVE, error.code
        self.status_code = _STATUS.get(code, 409)
        super().__init__(error.message, code=code, details=details or None)
        self.error = error


def refuse(code: str, message: str, **details: object) -> GameRefused:
    return GameRefused(GameError(code, message, details))
