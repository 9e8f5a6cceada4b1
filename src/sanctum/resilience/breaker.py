"""Circuit breakers: stop calling a dependency that keeps failing, so requests fail fast instead of
each waiting out its timeout, and find out by a probe when it is back.

Problem: with Redis black-holed (packets dropped, not refused) every command waits its socket
timeout (seconds) before failing; code that survives Redis being down still pays that on every
request. The same holds for a read replica that went away and a push service that hangs.

Mechanism, per dependency:
- closed: calls pass; `failures` consecutive failures (errors or timeouts) open the breaker
  (`trip()` opens it at once, e.g. a replica lagging past its bound);
- open: every call is refused at once with `CircuitOpen` for `reset_seconds`;
- half-open: one trial. With a `probe` (Redis: a PING on a connection of its own with a short
  timeout; the replica: its lag query) the breaker runs the trial itself, in the background, and
  calls keep failing fast meanwhile, so no request pays a black hole's timeout once the breaker has
  opened. Without one (outbound HTTP), the next call is the trial and the others are refused until
  it reports. A successful trial closes the breaker; a failed one opens it for `reset_seconds` more.

`CircuitOpen` is the built-in `ConnectionError`, not redis-py's: code that already survives the
dependency being down handles it unchanged, and redis-py does not retry it.

State is exported as `circuit_breaker_state{breaker}` (0 closed, 1 half-open, 2 open), openings as
`circuit_breaker_opened_total`, refusals as `circuit_breaker_rejected_total`; /health/ready lists
each breaker's state. A small module rather than a library: aiobreaker's last release is from 2021,
and the maintained ones (circuitbreaker, pybreaker) wrap one call in a decorator, whereas the Redis
breaker sees its successes and failures inside redis-py's connection, under every client at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import CIRCUIT_OPENED, CIRCUIT_REJECTED, CIRCUIT_STATE

log = get_logger("sanctum.resilience")

State = Literal["closed", "half_open", "open"]
_GAUGE = {"closed": 0, "half_open": 1, "open": 2}
T = TypeVar("T")


class CircuitOpen(ConnectionError):
    """Refused at once: the dependency's circuit breaker is open."""


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        failures: int = 3,
        reset_seconds: float = 5.0,
        probe: Callable[[], Awaitable[None]] | None = None,
        probe_timeout: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._threshold = failures
        self._reset = reset_seconds
        self._probe = probe
        self._probe_timeout = probe_timeout
        self._clock = clock
        self._state: State = "closed"
        self._failures = 0
        self._since = 0.0  # when it opened, or when the current trial began
        self._probing: asyncio.Task[None] | None = None
        self._gauge = CIRCUIT_STATE.labels(name)
        self._rejected = CIRCUIT_REJECTED.labels(name)
        self._gauge.set(0)

    @property
    def state(self) -> State:
        return self._state

    def allow(self) -> bool:
        """Whether a call may go out now (refusals are counted)."""
        if self._state == "closed":
            return True
        now = self._clock()
        if now - self._since >= self._reset:
            if self._probe is not None:
                if self._probing is None:
                    self._start_probe()
            else:
                self._set("half_open")
                self._since = now
                return True  # this call is the trial
        self._rejected.inc()
        return False

    def check(self) -> None:
        """Raise `CircuitOpen` unless a call may go out now."""
        if not self.allow():
            raise CircuitOpen(f"{self.name} is unavailable (circuit open)")

    def success(self) -> None:
        self._failures = 0
        if self._state != "closed":
            log.info("circuit_closed", breaker=self.name)
            self._set("closed")

    def failure(self) -> None:
        if self._state == "closed":
            self._failures += 1
            if self._failures >= self._threshold:
                self._open("failures")
        elif self._state == "half_open" and self._probe is None:
            self._open("trial_failed")

    def trip(self, reason: str) -> None:
        """Open now, whatever the count (a failure that is certain, not one to count)."""
        if self._state != "open":
            self._open(reason)

    async def call(self, fn: Callable[[], Awaitable[T]]) -> T:
        """`await fn()` through the breaker: refused at once while open; its outcome is counted."""
        self.check()
        try:
            result = await fn()
        except Exception:
            self.failure()
            raise
        self.success()
        return result

    def _open(self, reason: str) -> None:
        self._failures = 0
        self._since = self._clock()
        self._set("open")
        CIRCUIT_OPENED.labels(self.name).inc()
        log.warning("circuit_opened", breaker=self.name, reason=reason)

    def _set(self, state: State) -> None:
        self._state = state
        self._gauge.set(_GAUGE[state])

    def _start_probe(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._set("half_open")
        self._probing = loop.create_task(self._run_probe(), name=f"breaker-probe-{self.name}")

    async def _run_probe(self) -> None:
        assert self._probe is not None
        try:
            async with asyncio.timeout(self._probe_timeout):
                await self._probe()
        except Exception as exc:
            log.info("circuit_probe_failed", breaker=self.name, error=type(exc).__name__)
            self._since = self._clock()
            self._set("open")
        else:
            self.success()
        finally:
            self._probing = None

    async def close(self) -> None:
        """Stop a probe in flight (shutdown)."""
        if self._probing is not None:
            self._probing.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._probing


class Breakers:
    """The breakers of one instance by name, for /health/ready; `named()` makes a probe-less one
    (outbound HTTP, one per host) with the instance's thresholds on first use."""

    def __init__(self, failures: int = 3, reset_seconds: float = 5.0) -> None:
        self._all: dict[str, CircuitBreaker] = {}
        self._failures, self._reset = failures, reset_seconds

    def named(self, name: str) -> CircuitBreaker:
        found = self._all.get(name)
        if found is None:
            found = self.add(CircuitBreaker(name, failures=self._failures, reset_seconds=self._reset))
        return found

    def add(self, breaker: CircuitBreaker) -> CircuitBreaker:
        self._all[breaker.name] = breaker
        return breaker

    def get(self, name: str) -> CircuitBreaker | None:
        return self._all.get(name)

    def states(self) -> dict[str, State]:
        return {name: breaker.state for name, breaker in sorted(self._all.items())}

    async def close(self) -> None:
        for breaker in self._all.values():
            await breaker.close()
