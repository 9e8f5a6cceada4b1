"""Reads go to the read replica (`DATABASE_READ_URL`) while it is up and close behind the primary;
otherwise to the primary, and back to the replica once it has recovered.

Problem: with a replica configured, every `reader()` used it. A replica that stopped made every
read a 503; one that fell behind (replay paused, a long query holding replay, a slow network)
served stale pages for as long as it lagged.

Mechanism: a circuit breaker (resilience/breaker.py) named `replica` decides. A read session first
takes its replica connection (what it would do at its first statement anyway); if that fails for a
reason `outage.classify` names (refused, lost, timed out), the failure is counted and the same
request reads from the primary instead, so a dead replica costs no request an error. A monitor
measures the replica's lag every `RESILIENCE__REPLICA_CHECK_SECONDS`: how long ago the last
transaction it replayed committed, when it has received WAL it has not replayed yet (0 when it is
caught up, however idle the primary is). Past `RESILIENCE__REPLICA_MAX_LAG_SECONDS` the breaker
opens at once; failures to measure count like failed connections. While open, reads go to the
primary (`db_replica_reads_total{target="primary"}`), and every `RESILIENCE__BREAKER_RESET_SECONDS`
the breaker's probe (the same lag query) decides whether it closes.

Caches filled from the replica: a value read there may predate a change whose cache version was
already bumped (a room's history at version n read before the replica replayed message n), and a
versioned entry is otherwise trusted for its whole TTL. So while a replica session is open,
`replica_ttl_cap()` is the lag bound, and `CachedJson` and `LocalCache` keep what they load no longer
than that: a page served from the caches is at most about twice the lag bound old, as a replica read is.

Price: one small query per check interval per instance on the replica; nothing on the read path
but one attribute read, a context variable, and the connection the session needed anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import REPLICA_LAG
from sanctum.resilience.breaker import CircuitBreaker

log = get_logger("sanctum.db")

# NULL (not streaming yet: just started, or cut off from the primary) counts as infinitely behind.
_LAG = text(
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() IS NULL THEN 1e9 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END"
)


_TTL_CAP: ContextVar[float | None] = ContextVar("replica_ttl_cap", default=None)


def replica_ttl_cap() -> float | None:
    """How long a value loaded now may be cached: the lag bound inside a replica session, else None."""
    return _TTL_CAP.get()


@contextlib.contextmanager
def reading_replica(max_lag: float) -> Iterator[None]:
    token = _TTL_CAP.set(max_lag)
    try:
        yield
    finally:
        _TTL_CAP.reset(token)


class ReplicaLagging(Exception):
    """The replica is reachable but further behind than the configured bound."""


class ReplicaRoute:
    def __init__(
        self, engine: AsyncEngine, *, max_lag: float, check_seconds: float, failures: int, reset_seconds: float
    ) -> None:
        self._engine = engine
        self.max_lag = self._max_lag = max_lag
        self._check = check_seconds
        self.breaker = CircuitBreaker(
            "replica",
            failures=failures,
            reset_seconds=reset_seconds,
            probe=self.measure,
            probe_timeout=max(1.0, check_seconds),
        )
        self._task: asyncio.Task[None] | None = None

    @property
    def usable(self) -> bool:
        """Whether reads may go to the replica now (an open breaker also gets its probe started here)."""
        return self.breaker.allow()

    def failed(self) -> None:
        self.breaker.failure()

    async def measure(self) -> None:
        """The lag check; raises when the replica cannot answer or lags past the bound."""
        async with self._engine.connect() as conn:
            lag = float((await conn.execute(_LAG)).scalar_one() or 0.0)
        REPLICA_LAG.set(lag)
        if lag > self._max_lag:
            raise ReplicaLagging(f"{lag:.1f} s behind")

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._check)
            if self.breaker.state != "closed":
                self.breaker.allow()  # starts the probe once the reset time has passed
                continue
            try:
                async with asyncio.timeout(max(1.0, self._check)):
                    await self.measure()
            except ReplicaLagging as exc:
                self.breaker.trip(f"lag: {exc}")
            except Exception as exc:
                log.info("replica_check_failed", error=type(exc).__name__)
                self.breaker.failure()
            else:
                self.breaker.success()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._watch(), name="replica-monitor")

    async def stop(self) -> None:
        await self.breaker.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
