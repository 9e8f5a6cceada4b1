"""Fixtures of the moderation suite: one app instance whose services a test may reach (`Site`)."""

from __future__ import annotations

import pytest

from sanctum.main import create_app
from tests.conftest import SCALED, ClientFactory, SettingsFactory
from tests.integration.moderation.moderation_api import Site
from tests.support.live import LiveServer, ServerFactory, make_server

__all__ = ["make_server"]


@pytest.fixture
async def site(make_client: ClientFactory, make_settings: SettingsFactory) -> Site:
    app = create_app(make_settings())
    return Site(app, await make_client(app=app))


@pytest.fixture
async def instances(make_server: ServerFactory) -> tuple[LiveServer, LiveServer]:
    """(where moderators act, where the sanctioned person's sockets are): one instance embedded, two scaled."""
    first = await make_server()
    return (first, await make_server(first.settings)) if SCALED else (first, first)
