"""Reports and the moderation queue.

Rules:
- Anyone may report a message, post or comment they can see, or a person (not themselves), with a
  reason and free text. One open report per reporter and target: a second is 409 REPORT_EXISTS
  (ON CONFLICT on the open key, whatever the timing). The content is copied into the report as it is
  now (`snapshot`), so an edit or deletion afterwards does not change what moderators see.
- Who reviews (the queue, a report, its resolution) is the `report.review` permission, asked of the
  authorizer (`RbacReview`): at the site scope it shows every report, in a sanctum that sanctum's.
  A report refused is 403 NOT_MODERATOR to a member of its sanctum, 404 REPORT_NOT_FOUND to anyone else.
- Resolving acts first (dismiss; delete the content through its own service, which checks the
  moderator's right to and audits it; mute, ban or suspend through an `Enforcer`), then closes every
  open report on the same target in one unit of work that also writes its audit row (report.resolve).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import Conflict, ErrorCode, Forbidden, NotFound, ValidationFailed
from sanctum.core.pagination import TimeCursor, decode_cursor, encode_cursor
from sanctum.db.database import Database
from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.chat.moderation import ChatModeration
from sanctum.domains.chat.reported import ChatContent
from sanctum.domains.posts.comments import CommentService
from sanctum.domains.posts.service import PostService
from sanctum.domains.reports.models import Report
from sanctum.domains.reports.repository import ReportRepository
from sanctum.domains.reports.schemas import ReportCreate, ReportPage, ReportRead, ReportResolve, TargetHistory
from sanctum.domains.roles.permissions import Permission
from sanctum.domains.roles.service import SITE, Authorizer, in_sanctum
from sanctum.domains.sanctums.service import SanctumService


class ReviewPolicy(Protocol):
    async def reviewable(self, db: AsyncSession, actor: Actor) -> list[uuid.UUID] | None:
        """The sanctums whose reports `actor` reviews; None: every report (a site moderator)."""
        ...

    async def member_of(self, db: AsyncSession, actor: Actor, sanctum_id: uuid.UUID) -> bool:
        """Whether `actor` belongs to the sanctum (refused a report of it: 403, not 404)."""
        ...


class Enforcer(Protocol):
    async def enforce(self, actor: Actor, report: Report, action: str, duration_seconds: int | None) -> None:
        """Mute, ban or suspend the report's target user (its own use case and authorization)."""
        ...


class RbacReview:
    """`report.review` at the site scope: every report; else the sanctums where the caller's role has it."""

    def __init__(self, authz: Authorizer, sanctums: SanctumService) -> None:
        self._authz = authz
        self._sanctums = sanctums

    async def reviewable(self, db: AsyncSession, actor: Actor) -> list[uuid.UUID] | None:
        if await self._authz.allows(db, actor, Permission.REPORT_REVIEW, SITE):
            return None
        roles = await self._sanctums.roles_of(db, actor.id)
        return [
            sanctum_id
            for sanctum_id, role in roles.items()
            if await self._authz.allows(db, actor, Permission.REPORT_REVIEW, in_sanctum(sanctum_id, role))
        ]

    async def member_of(self, db: AsyncSession, actor: Actor, sanctum_id: uuid.UUID) -> bool:
        return sanctum_id in await self._sanctums.roles_of(db, actor.id)


class NoEnforcer:
    async def enforce(self, actor: Actor, report: Report, action: str, duration_seconds: int | None) -> None:
        raise Conflict(
            f"`{action}` from a report is not available on this server yet.", code=ErrorCode.REPORT_ACTION_UNAVAILABLE
        )


def report_not_found() -> NotFound:
    return NotFound("No such report.", code=ErrorCode.REPORT_NOT_FOUND)


class ReportService:
    def __init__(
        self,
        db: Database,
        accounts: AccountService,
        chat: ChatContent,
        chat_moderation: ChatModeration,
        posts: PostService,
        comments: CommentService,
        review: ReviewPolicy,
        audit: AuditLog,
        enforcer: Enforcer | None = None,
    ) -> None:
        self._db, self._accounts, self._chat, self._chat_moderation = db, accounts, chat, chat_moderation
        self._posts, self._comments, self._review = posts, comments, review
        self._enforcer: Enforcer = enforcer or NoEnforcer()
        self._audit = audit
        self._repo = ReportRepository()

    def use(self, enforcer: Enforcer) -> None:
        """Swap in the mute, ban and suspend actions once they are built."""
        self._enforcer = enforcer

    # -- reporting ------------------------------------------------------------------------------

    async def report(self, actor: Actor, data: ReportCreate) -> ReportRead:
        now = utcnow()
        async with self._db.writer() as db:
            values = await self._target(db, actor, data)
            key = f"{actor.id}:{data.target_type}:{values['target_id']}"
            report_id = uuid.uuid4()
            added = await self._repo.add(
                db,
                {
                    **values,
                    "id": report_id,
                    "reporter_id": actor.id,
                    "target_type": data.target_type,
                    "reason": data.reason,
                    "details": data.details,
                    "status": "open",
                    "open_key": key,
                    "resolution_note": "",
                    "created_at": now,
                },
            )
            if not added:
                raise Conflict("You already reported this; a moderator will look at it.", code=ErrorCode.REPORT_EXISTS)
            report = await self._repo.get(db, report_id)
            assert report is not None
            return (await self._reads(db, [report]))[0]

    async def _target(self, db: AsyncSession, actor: Actor, data: ReportCreate) -> dict[str, object]:
        """Where the target lives and what it says now; 404 if the reporter cannot see it."""
        kind, raw = data.target_type, data.target_id
        if kind == "user":
            user_id = _uuid(raw)
            if user_id == actor.id:
                raise ValidationFailed(fields={"target_id": "must be someone else"})
            user = (await self._accounts.public_users(db, [user_id])).get(user_id)
            if user is None:
                raise NotFound("No such user.", code=ErrorCode.USER_NOT_FOUND)
            snap = {"author": user.model_dump(mode="json"), "body": user.bio, "created_at": user.created_at}
            return _row(str(user_id), user_id, None, None, snap)
        number = _int(raw)
        if kind == "message":
            m = await self._chat.message(db, actor.id, number)
            author, body, at, sanctum_id, room_id = m.author_id, m.body, m.created_at, m.sanctum_id, m.room_id
        elif kind == "post":
            post, _ = await self._posts.visible(db, actor.id, number)
            author, body, at, sanctum_id, room_id = post.author_id, post.body, post.created_at, post.sanctum_id, None
        else:
            comment = await self._comments.visible(db, actor, number)
            post, _ = await self._posts.visible(db, actor.id, comment.post_id)
            author, body, at, sanctum_id, room_id = (
                comment.author_id,
                comment.body,
                comment.created_at,
                post.sanctum_id,
                None,
            )
        people = await self._accounts.public_users(db, [author] if author else [])
        who = people.get(author) if author else None
        snap = {"author": who.model_dump(mode="json") if who else None, "body": body, "created_at": at}
        return _row(str(number), author, sanctum_id, room_id, snap)

    # -- the queue ------------------------------------------------------------------------------

    async def queue(self, actor: Actor, status: str, cursor: str | None, limit: int) -> ReportPage:
        after = decode_cursor(cursor, TimeCursor) if cursor else None
        async with self._db.reader() as db:
            scope = await self._scope(db, actor)
            rows = await self._repo.page(db, status, scope, (after.t, after.id) if after else None, limit + 1)
            more = len(rows) > limit
            rows = rows[:limit]
            items = await self._reads(db, rows)
        next_cursor = encode_cursor(TimeCursor(t=rows[-1].created_at, id=rows[-1].id)) if more else None
        return ReportPage(items=items, next_cursor=next_cursor)

    async def get(self, actor: Actor, report_id: uuid.UUID) -> ReportRead:
        async with self._db.reader() as db:
            report = await self._reviewed(db, actor, report_id)
            return (await self._reads(db, [report]))[0]

    async def resolve(self, actor: Actor, report_id: uuid.UUID, data: ReportResolve) -> ReportRead:
        async with self._db.reader(fresh=True) as db:
            report = await self._reviewed(db, actor, report_id)
        if report.status != "open":
            raise Conflict("This report is already resolved.", code=ErrorCode.REPORT_CLOSED)
        if data.action == "delete":
            await self._delete_content(actor, report)
        elif data.action != "dismiss":
            await self._enforcer.enforce(actor, report, data.action, data.duration_seconds)
        async with self._db.writer() as db:
            closed = await self._repo.resolve_target(
                db, report.target_type, report.target_id, actor.id, data.action, data.note, utcnow()
            )
            if closed:
                await self._audit.record(
                    db,
                    actor,
                    AuditAction.REPORT_RESOLVE,
                    "report",
                    report.id,
                    sanctum_id=report.sanctum_id,
                    metadata={
                        "action": data.action,
                        "target": f"{report.target_type}:{report.target_id}",
                        "closed": closed,
                    },
                )
            fresh = await self._repo.get(db, report_id)
            assert fresh is not None
            return (await self._reads(db, [fresh]))[0]

    async def _delete_content(self, actor: Actor, report: Report) -> None:
        """Through the content's own use case, which checks that the moderator may delete it."""
        if report.target_type == "user":
            raise ValidationFailed(fields={"action": "a person has no content to delete: mute, ban or suspend"})
        number = int(report.target_id)
        try:
            if report.target_type == "message" and report.room_id is not None:
                await self._chat_moderation.delete(actor, report.room_id, number)
            elif report.target_type == "post":
                await self._posts.delete(actor, number)
            elif report.target_type == "comment":
                await self._comments.delete(actor, number)
        except NotFound:
            pass  # deleted already (by its author or another moderator): the report still resolves

    async def _scope(self, db: AsyncSession, actor: Actor) -> list[uuid.UUID] | None:
        scope = await self._review.reviewable(db, actor)
        if scope is not None and not scope:
            raise Forbidden("Only moderators review reports.", code=ErrorCode.NOT_MODERATOR)
        return scope

    async def _reviewed(self, db: AsyncSession, actor: Actor, report_id: uuid.UUID) -> Report:
        """The report if `actor` reviews it; else 403 to a member of its sanctum, 404 to anyone else
        (as every moderation action: a stranger learns nothing)."""
        scope = await self._review.reviewable(db, actor)
        report = await self._repo.get(db, report_id)
        if report is not None and (scope is None or report.sanctum_id in scope):
            return report
        if report is not None and report.sanctum_id and await self._review.member_of(db, actor, report.sanctum_id):
            raise Forbidden("Only the sanctum's moderators review its reports.", code=ErrorCode.NOT_MODERATOR)
        raise report_not_found()

    async def _reads(self, db: AsyncSession, rows: Sequence[Report]) -> list[ReportRead]:
        counts = await self._repo.open_counts(db, {(r.target_type, r.target_id) for r in rows})
        history = await self._repo.history(db, {r.target_user_id for r in rows if r.target_user_id})
        ids = {u for r in rows for u in (r.reporter_id, r.target_user_id, r.resolved_by) if u is not None}
        people = await self._accounts.public_users(db, ids)
        return [_read(r, people, counts, history) for r in rows]


def _row(
    target_id: str,
    user_id: uuid.UUID | None,
    sanctum_id: uuid.UUID | None,
    room_id: uuid.UUID | None,
    snapshot: dict[str, object],
) -> dict[str, object]:
    return {
        "target_id": target_id,
        "target_user_id": user_id,
        "sanctum_id": sanctum_id,
        "room_id": room_id,
        "snapshot": orjson.dumps(snapshot, default=str).decode(),
    }


def _read(
    r: Report,
    people: dict[uuid.UUID, PublicUser],
    counts: dict[tuple[str, str], int],
    history: dict[uuid.UUID, tuple[int, int]],
) -> ReportRead:
    reports, actioned = history.get(r.target_user_id, (0, 0)) if r.target_user_id else (0, 0)
    return ReportRead.model_validate(
        {
            "id": r.id,
            "target_type": r.target_type,
            "target_id": r.target_id,
            "target_user": people.get(r.target_user_id) if r.target_user_id else None,
            "sanctum_id": r.sanctum_id,
            "room_id": r.room_id,
            "reason": r.reason,
            "details": r.details,
            "snapshot": orjson.loads(r.snapshot),
            "status": "open" if r.status == "open" else "resolved",
            "resolution": r.resolution,
            "resolution_note": r.resolution_note,
            "resolved_by": people.get(r.resolved_by) if r.resolved_by else None,
            "resolved_at": r.resolved_at,
            "created_at": r.created_at,
            "reporter": people.get(r.reporter_id) if r.reporter_id else None,
            "reporter_count": counts.get((r.target_type, r.target_id), 0),
            "history": TargetHistory(reports=reports, actioned=actioned),
        }
    )


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise ValidationFailed(fields={"target_id": "must be a user id"}) from exc


def _int(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationFailed(fields={"target_id": "must be a message, post or comment id"})
    return int(raw)
