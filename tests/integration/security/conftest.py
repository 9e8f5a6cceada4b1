"""Fixtures of the account security tests: a real SMTP server (tests/support/smtp.py) and an app that
sends through it."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import ClientFactory, SettingsFactory
from tests.support.smtp import Mailbox, mailbox

__all__ = ["mailbox", "mailed_client"]


@pytest.fixture
async def mailed_client(
    mailbox: Mailbox, make_settings: SettingsFactory, make_client: ClientFactory
) -> httpx.AsyncClient:
    """A client of an app whose emails go to `mailbox`."""
    return await make_client(make_settings(email=mailbox.settings))
