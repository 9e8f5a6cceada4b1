"""The preference tests use the Web Push fixtures: a local push service and an instance allowed to
post to it."""

from __future__ import annotations

from tests.integration.push.conftest import instance, push_endpoint

__all__ = ["instance", "push_endpoint"]
