"""Background jobs: a small queue protocol with an in-process and a Redis (taskiq) implementation.

Infrastructure: imports `core`, `db`, `observability` and `settings`, never a domain. Domains register
their job functions (`queue.register(name, fn)`) from main.py and enqueue by name with a JSON payload.
"""

from sanctum.jobs.base import JobFunction, JobQueue, Payload, PermanentJobError

__all__ = ["JobFunction", "JobQueue", "Payload", "PermanentJobError"]
