"""Fixtures of the realtime tests: live app instances (`make_server`, `server`), defined in
tests/support/live.py and shared with the chat suite."""

from __future__ import annotations

from tests.support.live import make_server, server

__all__ = ["make_server", "server"]
