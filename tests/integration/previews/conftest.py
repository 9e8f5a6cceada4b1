"""Live app instances for the link preview tests (tests/support/live.py)."""

from __future__ import annotations

from tests.support.live import make_server, server

__all__ = ["make_server", "server"]
