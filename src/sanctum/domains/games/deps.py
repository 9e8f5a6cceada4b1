"""Dependency aliases for games routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sanctum.api.deps import provide
from sanctum.domains.games.records import GameRecords
from sanctum.domains.games.service import GameService

GameServiceDep = Annotated[GameService, Depends(provide(GameService))]
GameRecordsDep = Annotated[GameRecords, Depends(provide(GameRecords))]
