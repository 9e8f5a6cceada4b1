"""A plugin's `GameError` as an API error: the same code, with the HTTP status it deserves."""

from __future__ import annotations

from sanctum.core.errors import AppError
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
}


class GameRefused(AppError):
    """A room or a plugin refused a command; the state is unchanged."""

    def __init__(self, error: GameError) -> None:
        self.status_code = _STATUS.get(error.code, 409)
        super().__init__(error.message, code=error.code, details=dict(error.details) or None)
        self.error = error


def refuse(code: str, message: str, **details: object) -> GameRefused:
    return GameRefused(GameError(code, message, details))
