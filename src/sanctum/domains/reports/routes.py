"""HTTP routes of reports: parse, authenticate, call the service, serialize."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Query, status

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.reports.deps import ReportServiceDep
from sanctum.domains.reports.schemas import ReportCreate, ReportPage, ReportRead, ReportResolve

reports = DomainRouter(prefix="/api/reports", tags=["reports"], responses=ERROR_RESPONSES)


@reports.post("", response_model=ReportRead, status_code=status.HTTP_201_CREATED, dependencies=[per_account("report")])
async def create_report(body: ReportCreate, actor: CurrentActor, service: ReportServiceDep) -> ReportRead:
    """Report a message, post, comment or person. One open report per reporter and target (409
    REPORT_EXISTS); the content is kept as it is now."""
    return await service.report(actor, body)


@reports.get("", response_model=ReportPage)
async def list_reports(
    actor: CurrentActor,
    service: ReportServiceDep,
    status_: Annotated[Literal["open", "resolved"], Query(alias="status")] = "open",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> ReportPage:
    """The moderation queue: a sanctum's moderators see its reports, site moderators all."""
    return await service.queue(actor, status_, cursor, limit)


@reports.get("/{report_id}", response_model=ReportRead)
async def get_report(report_id: uuid.UUID, actor: CurrentActor, service: ReportServiceDep) -> ReportRead:
    return await service.get(actor, report_id)


@reports.post("/{report_id}/resolve", response_model=ReportRead, dependencies=[per_account("write")])
async def resolve_report(
    report_id: uuid.UUID, body: ReportResolve, actor: CurrentActor, service: ReportServiceDep
) -> ReportRead:
    """Dismiss, delete the content, or mute, ban or suspend its author; closes every open report on the
    same target."""
    return await service.resolve(actor, report_id, body)
