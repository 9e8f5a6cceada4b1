"""Fixtures of the flags tests: the live app instances of tests/support/live.py."""

from __future__ import annotations

from tests.support.live import make_server

__all__ = ["make_server"]
