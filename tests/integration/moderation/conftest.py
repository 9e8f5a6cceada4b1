"""Fixtures of the moderation suite: one app instance whose services a test may reach (`Site`)."""

from __future__ import annotations

import pytest

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.moderation.moderation_api import Site


@pytest.fixture
async def site(make_client: ClientFactory, make_settings: SettingsFactory) -> Site:
    app = create_app(make_settings())
    return Site(app, await make_client(app=app))
