"""The notification jobs, one per kind (`notifications.<kind>`), registered into the job queue by main.py."""

from __future__ import annotations

from sanctum.domains.notifications.notify import KINDS, Kind, job_name
from sanctum.domains.notifications.service import NotificationService
from sanctum.jobs import JobFunction, JobQueue, Payload


def _job(service: NotificationService, kind: Kind) -> JobFunction:
    async def run(payload: Payload) -> None:
        await service.deliver(kind, payload)

    return run


def register_jobs(queue: JobQueue, service: NotificationService) -> None:
    for kind in KINDS:
        queue.register(job_name(kind), _job(service, kind))
