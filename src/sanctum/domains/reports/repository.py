"""Every query of reports; no commits.

The queue reads by (status, created_at) or (sanctum_id, status, created_at), newest first; a target's
open reports and a person's history by their own indexes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.db.dialect import affected, insert_for
from sanctum.domains.reports.models import Report


class ReportRepository:
    async def add(self, db: AsyncSession, values: dict[str, object]) -> bool:
        """Insert an open report unless this reporter has one open on this target; true if inserted."""
        stmt = insert_for(db, Report).values(**values).on_conflict_do_nothing(index_elements=[Report.open_key])
        return bool(affected(await db.execute(stmt)))

    async def get(self, db: AsyncSession, report_id: uuid.UUID) -> Report | None:
        return await db.get(Report, report_id, populate_existing=True)

    async def page(
        self,
        db: AsyncSession,
        status: str,
        sanctum_ids: list[uuid.UUID] | None,
        before: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Report]:
        """Newest first; `sanctum_ids` None: every report (a site moderator), else only theirs."""
        query = select(Report).where(Report.status == status)
        if sanctum_ids is not None:
            query = query.where(Report.sanctum_id.in_(sanctum_ids))
        if before is not None:
            at, last = before
            query = query.where(or_(Report.created_at < at, and_(Report.created_at == at, Report.id < last)))
        query = query.order_by(Report.created_at.desc(), Report.id.desc()).limit(limit)
        return list((await db.execute(query)).scalars())

    async def open_counts(self, db: AsyncSession, targets: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        if not targets:
            return {}
        query = (
            select(Report.target_type, Report.target_id, func.count())
            .where(Report.status == "open", Report.target_id.in_({t[1] for t in targets}))
            .group_by(Report.target_type, Report.target_id)
        )
        rows = (await db.execute(query)).all()
        return {(row[0], row[1]): int(row[2]) for row in rows if (row[0], row[1]) in targets}

    async def history(self, db: AsyncSession, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
        """Per person: reports about them or their content, and how many were acted on."""
        if not user_ids:
            return {}
        acted = func.sum(case((and_(Report.resolution.is_not(None), Report.resolution != "dismiss"), 1), else_=0))
        query = (
            select(Report.target_user_id, func.count(), acted)
            .where(Report.target_user_id.in_(user_ids))
            .group_by(Report.target_user_id)
        )
        return {row[0]: (int(row[1]), int(row[2] or 0)) for row in (await db.execute(query)).all()}

    async def resolve_target(
        self,
        db: AsyncSession,
        target_type: str,
        target_id: str,
        by: uuid.UUID,
        action: str,
        note: str,
        at: datetime,
    ) -> int:
        """Close every open report on the target at once; how many were closed."""
        result = await db.execute(
            update(Report)
            .where(Report.target_type == target_type, Report.target_id == target_id, Report.status == "open")
            .values(
                status="resolved",
                open_key=None,
                resolution=action,
                resolution_note=note,
                resolved_by=by,
                resolved_at=at,
            )
        )
        return affected(result)
