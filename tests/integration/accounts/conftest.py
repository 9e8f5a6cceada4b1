"""Fixtures of the accounts tests: live app instances for the socket tests (tests/support/live.py)."""

from __future__ import annotations

from tests.support.live import make_server, server

__all__ = ["make_server", "server"]
