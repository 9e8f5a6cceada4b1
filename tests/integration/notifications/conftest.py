"""Fixtures of the notification tests: an app instance whose job queue the test can reach, and live
servers for the socket tests (tests/support/live.py)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.notifications.notifications_api import Instance
from tests.support.live import make_server, server

__all__ = ["instance", "make_server", "server"]


@pytest.fixture
async def instance(make_settings: SettingsFactory, make_client: ClientFactory) -> Instance:
    """One app instance (its lifespan started) and an HTTP client for it."""
    app: FastAPI = create_app(make_settings())
    http: httpx.AsyncClient = await make_client(app=app)
    return Instance(app, http)
