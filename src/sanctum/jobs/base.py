"""The job queue protocol every domain codes against; the mode picks the implementation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sanctum.db.unit_of_work import UnitOfWork

# A job's arguments: JSON-serializable, ids as strings. Jobs take ids, never objects, and are idempotent.
Payload = dict[str, Any]
JobFunction = Callable[[Payload], Awaitable[None]]


class JobQueue(Protocol):
    def register(self, name: str, fn: JobFunction) -> None:
        """Make `name` runnable; every process (app and worker) registers the same jobs at start-up."""
        ...

    async def enqueue(self, name: str, payload: Payload) -> None:
        """Queue one run of job `name`. Returns once the job is durably queued (scaled) or scheduled (embedded)."""
        ...

    def enqueue_after_commit(self, db: UnitOfWork, name: str, payload: Payload) -> None:
        """Queue job `name` once `db` commits, through the outbox (jobs/outbox.py): written in `db`'s
        transaction, so a process that dies right after the commit loses nothing. Every job a write use
        case asks for goes this way; `enqueue` is for callers with no transaction (schedulers, jobs)."""
        ...


class PermanentJobError(Exception):
    """A failure no retry can fix (a malformed payload): the job goes to the dead-letter queue at once."""


def backoff_delay(attempt: int, base: float, cap: float, rand: float) -> float:
    """Seconds to wait after failed attempt `attempt` (1-based): exponential, capped, with "equal jitter"
    (half fixed, half random, `rand` in [0, 1)) so retries of many failed jobs spread out but still grow."""
    ceiling = min(cap, base * 2.0 ** (attempt - 1))
    return ceiling / 2 + rand * ceiling / 2
