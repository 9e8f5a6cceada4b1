"""Fixtures of the reports tests: live app instances (tests/support/live.py), whose services make a
site administrator as `sanctum create-admin` does."""

from __future__ import annotations

from tests.support.live import make_server, server

__all__ = ["make_server", "server"]
