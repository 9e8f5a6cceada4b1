"""Graceful shutdown of `sanctum serve`: a deploy or a scale-down drops no request and loses no event.

On SIGTERM (or the first Ctrl-C):

1. readiness answers 503 at once (`accepting: down`), so the load balancer or Kubernetes stops sending
   new requests here, while for `SHUTDOWN_DRAIN_SECONDS` the instance keeps serving what still arrives
   (endpoints are removed from a Service a moment after the pod is told to stop);
2. uvicorn stops accepting connections, lets every request in flight finish (up to
   `SHUTDOWN_GRACE_SECONDS`) and closes every WebSocket with 1012 (service restart): the web client
   reconnects within a second, to another instance, and resumes each topic from its last seq, so it
   misses nothing; those disconnects do not announce anyone offline (they are back elsewhere at once);
3. the app's shutdown then finishes running jobs (and, scaled, leaves unacknowledged ones to another
   worker), releases the lease of every real-time game room it runs and tells the other instances,
   which take the rooms over at once (games/engine/engine.py), and closes its connections.

A second signal stops at once, as uvicorn does.
"""

from __future__ import annotations

import time
from types import FrameType
from typing import Any

import uvicorn

from sanctum.observability.logging import get_logger

log = get_logger("sanctum.shutdown")


class ShuttingDown(Exception):
    """The readiness check's error while the instance drains (rendered as its name)."""


class Draining:
    """Whether this instance has been told to stop; a readiness check that fails once it has."""

    def __init__(self) -> None:
        self.since: float | None = None

    def begin(self) -> None:
        if self.since is None:
            self.since = time.monotonic()

    async def check(self) -> None:
        if self.since is not None:
            raise ShuttingDown


class GracefulServer(uvicorn.Server):
    """uvicorn's server with a drain before its own shutdown (steps 1 and 2 above)."""

    def __init__(self, config: uvicorn.Config, *, drain_seconds: float) -> None:
        super().__init__(config)
        self.drain_seconds = drain_seconds
        self._exit_at: float | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._exit_at is not None or self.should_exit:
            super().handle_exit(sig, frame)
            self.force_exit = True
            return
        self._captured_signals.append(sig)  # re-raised after serving, as uvicorn does
        self._exit_at = time.monotonic() + self.drain_seconds
        state = _state(self.config.app)
        draining: Draining | None = getattr(state, "draining", None)
        if draining is not None:
            draining.begin()
        log.info("shutdown_started", signal=sig, drain_seconds=self.drain_seconds)

    async def on_tick(self, counter: int) -> bool:
        if self._exit_at is not None and not self.should_exit and time.monotonic() >= self._exit_at:
            services = getattr(_state(self.config.app), "services", None)
            if services is not None:
                # The 1012 closes that follow are a move to another instance, not a user leaving.
                services.gateway.endpoint.stopping = True
            log.info("shutdown_draining_done", open_connections=len(self.server_state.connections))
            self.should_exit = True
        return await super().on_tick(counter)


def _state(app: Any) -> Any:
    return getattr(app, "state", None)
