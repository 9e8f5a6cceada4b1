"""Event kinds for tests that publish made-up events through the real publishing path."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from sanctum.core.events import EventData, EventKind


class Loose(EventData):
    """Any payload: whatever fields it is given are its data."""

    model_config = ConfigDict(frozen=True, extra="allow")


def kind(name: str, *, persistent: bool = True) -> EventKind[Loose]:
    return EventKind(name, Loose, "test:{id}", "an event made up by a test", persistent=persistent)


def loose(data: dict[str, Any]) -> Loose:
    return Loose.model_validate(data)
