"""The live-server helpers moved to tests/support/live.py (the chat suite uses them too); this module
re-exports them so the realtime tests' imports keep working."""

from __future__ import annotations

from tests.support.live import (
    TIMEOUT,
    LiveServer,
    ServerFactory,
    WsClient,
    events_named,
    eventually,
    logged,
    publish,
    receive_seqs,
    sample,
    start_server,
)

__all__ = [
    "TIMEOUT",
    "LiveServer",
    "ServerFactory",
    "WsClient",
    "events_named",
    "eventually",
    "logged",
    "publish",
    "receive_seqs",
    "sample",
    "start_server",
]
