"""Fixtures of the export tests: an app instance whose job queue and services the test can reach."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.notifications.notifications_api import Instance


@pytest.fixture
async def instance(make_settings: SettingsFactory, make_client: ClientFactory) -> Instance:
    app: FastAPI = create_app(make_settings())
    http: httpx.AsyncClient = await make_client(app=app)
    return Instance(app, http)
