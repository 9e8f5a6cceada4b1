"""Fixtures of the posts tests: live app instances for the socket tests (shared with the realtime
suite, defined in tests/support/live.py); REST-only tests use the `client` fixture of tests/conftest.py."""

from __future__ import annotations

from tests.support.live import make_server, server

__all__ = ["make_server", "server"]
