"""Dependency aliases for games routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sanctum.domains.games.service import GameService


def get_game_service(request: Request) -> GameService:
    service: GameService = request.app.state.games
    return service


GameServiceDep = Annotated[GameService, Depends(get_game_service)]
