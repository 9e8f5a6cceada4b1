"""A real SMTP server for the tests (aiosmtpd, on a free port of 127.0.0.1) and what it received.

async def test_...(mailbox: Mailbox, make_settings: SettingsFactory) -> None:
    client = await make_client(make_settings(email=mailbox.settings))
    ...
    message = await mailbox.next_to("ada@example.com")
    token = message.link_token()
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from sanctum.settings_groups import EmailSettings

LINK = re.compile(r"(https?://\S+?)#token=([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Received:
    to: list[str]
    message: Message

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
        return str(body.get_content())

    def link(self) -> tuple[str, str]:
        """The link of the message: its page and the token of its fragment."""
        found = LINK.search(self.text)
        assert found, f"no link in {self.text!r}"
        return found.group(1), found.group(2)


class Mailbox:
    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[Received] = []
        self._lock = threading.Lock()
        # Events of tests waiting for a message, set from the server's thread.
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    @property
    def settings(self) -> EmailSettings:
        return EmailSettings(smtp_host="127.0.0.1", smtp_port=self.port, smtp_tls="none", sender="Sanctum <s@test>")

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        message = message_from_bytes(envelope.original_content or b"", policy=default)
        with self._lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))
            waiters, self._waiters = self._waiters, []
        for loop, arrived in waiters:
            loop.call_soon_threadsafe(arrived.set)
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [m for m in self.received if address in m.to]

    async def next_to(self, address: str, *, count: int = 1) -> Received:
        """The `count`-th message to `address`, waiting (up to 15 s: a loaded machine) for the job that sends it."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(15.0):
                while len(self.to(address)) < count:
                    arrived = asyncio.Event()
                    with self._lock:
                        self._waiters.append((loop, arrived))
                    if len(self.to(address)) < count:
                        await arrived.wait()
        except TimeoutError:
            raise AssertionError(f"no message {count} to {address} within 15 s (got {len(self.to(address))})") from None
        return self.to(address)[count - 1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox(_free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
