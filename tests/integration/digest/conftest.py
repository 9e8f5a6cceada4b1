"""Fixtures of the digest tests: a real SMTP server (tests/support/smtp.py) and an app instance that sends
through it, whose job queue and services the test can reach."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.notifications.notifications_api import Instance
from tests.support.smtp import Mailbox, mailbox

__all__ = ["instance", "mailbox"]


@pytest.fixture
async def instance(mailbox: Mailbox, make_settings: SettingsFactory, make_client: ClientFactory) -> Instance:
    app: FastAPI = create_app(make_settings(email=mailbox.settings))
    http: httpx.AsyncClient = await make_client(app=app)
    return Instance(app, http)
