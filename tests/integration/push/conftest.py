"""Fixtures of the Web Push and preference tests: a local push service, and an app instance allowed
to post to it (plain http on 127.0.0.1, which production refuses)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from sanctum.main import create_app
from sanctum.settings_groups import PushSettings
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.notifications.notifications_api import Instance
from tests.support.live import LiveServer, ServerFactory, make_server
from tests.support.push_endpoint import PushEndpoint, run_push_endpoint

__all__ = ["instance", "live", "make_server", "push_endpoint"]


@pytest.fixture
def push_endpoint() -> Iterator[PushEndpoint]:
    yield from run_push_endpoint()


@pytest.fixture
async def instance(make_settings: SettingsFactory, make_client: ClientFactory) -> Instance:
    settings = make_settings(push=PushSettings(allowed_hosts=["127.0.0.1"], allow_http=True))
    app: FastAPI = create_app(settings)
    http: httpx.AsyncClient = await make_client(app=app)
    return Instance(app, http)


@pytest.fixture
async def live(make_server: ServerFactory, make_settings: SettingsFactory) -> LiveServer:
    """A running instance (sockets) that may push to the local push service."""
    return await make_server(make_settings(push=PushSettings(allowed_hosts=["127.0.0.1"], allow_http=True)))
