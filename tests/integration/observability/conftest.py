"""Fixtures of the observability tests: live app instances (tests/support/live.py)."""

from __future__ import annotations

from tests.support.live import make_server, server

__all__ = ["make_server", "server"]
