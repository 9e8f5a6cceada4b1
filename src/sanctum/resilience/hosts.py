"""Circuit breakers per remote host, for outbound fetches to hosts users name (link previews).

Problem: the breakers of resilience/breaker.py guard one dependency each (Redis, the replica, a push
service) and show in readiness and in metrics labelled by name. Link previews fetch from whatever hosts
people post: a breaker per host there would grow readiness and the metrics' label sets without bound,
and one shared breaker would let a single black-holed site turn previews off for every other site. Yet
without a breaker, every message linking to a site that hangs spends a job's whole fetch timeout on it.

Mechanism: `HostCircuits` keeps a bounded table (least recently used out, `max_hosts`) of the hosts
that failed lately. Only failures that say the host is unreachable count (a timeout, a network error),
never a refusal Sanctum decided (a private address, a wrong content type, a page too big). After
`failures` in a row a host is open: fetches to it are refused at once for `reset_seconds`; then one
fetch goes out as the trial, whose success forgets the host and whose failure opens it again. Metrics
stay bounded: openings and refusals are counted under the one breaker name (`previews`), and the
table is not part of /health/ready (a remote site is not this instance's dependency).

Price: a dict lookup per fetch; at most `max_hosts` small entries per process. A host evicted from a
full table while open gets its fetches again (the table is an optimisation, not a ban list).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import CIRCUIT_OPENED, CIRCUIT_REJECTED

log = get_logger("sanctum.resilience")


@dataclass
class _Host:
    failures: int = 0
    opened_at: float | None = None  # open since; None while still counting
    trial: bool = False  # the one fetch let through after `reset_seconds` is out


class HostLimits(Protocol):
    """The settings a table is made from (`PreviewSettings`: PREVIEWS__HOST_FAILURES, ..._RESET_SECONDS)."""

    @property
    def host_failures(self) -> int: ...

    @property
    def host_reset_seconds(self) -> float: ...


class HostCircuits:
    def __init__(
        self,
        name: str,
        *,
        failures: int = 3,
        reset_seconds: float = 60.0,
        max_hosts: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failures
        self._reset = reset_seconds
        self._max = max_hosts
        self._clock = clock
        self._hosts: OrderedDict[str, _Host] = OrderedDict()
        self._opened = CIRCUIT_OPENED.labels(name)
        self._rejected = CIRCUIT_REJECTED.labels(name)
        self.name = name

    @classmethod
    def configured(cls, name: str, limits: HostLimits) -> HostCircuits:
        return cls(name, failures=limits.host_failures, reset_seconds=limits.host_reset_seconds)

    def allow(self, host: str) -> bool:
        """Whether a fetch to `host` may go out now (a refusal is counted)."""
        entry = self._hosts.get(host)
        if entry is None or entry.opened_at is None:
            return True
        if not entry.trial and self._clock() - entry.opened_at >= self._reset:
            entry.trial = True
            return True
        self._rejected.inc()
        return False

    def is_open(self, host: str) -> bool:
        entry = self._hosts.get(host)
        return entry is not None and entry.opened_at is not None

    def success(self, host: str) -> None:
        self._hosts.pop(host, None)

    def failure(self, host: str) -> None:
        """`host` did not answer (timeout, network error): counted; opens at the threshold."""
        entry = self._hosts.get(host)
        if entry is None:
            entry = self._hosts[host] = _Host()
            while len(self._hosts) > self._max:
                self._hosts.popitem(last=False)
        self._hosts.move_to_end(host)
        entry.failures += 1
        if entry.trial or (entry.opened_at is None and entry.failures >= self._threshold):
            if entry.opened_at is None:
                self._opened.inc()
                log.info("host_circuit_opened", breaker=self.name, host=host)
            entry.opened_at, entry.trial = self._clock(), False
