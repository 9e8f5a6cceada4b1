"""`FlagService`: evaluate flags in a line from any service, and change them (site admins, the CLI).

Evaluation is OpenFeature's API (`openfeature-sdk`) over `SanctumProvider` (provider.py), which reads
this instance's snapshot of the flag tables: `on(FLAG, user_id, sanctum_id)` costs no query. Each
service gets its own OpenFeature domain, so several app instances in one process (the tests, embedded
mode with a worker) never share a provider.

Propagation: a change commits its rows and bumps `feature_flag_version` in one transaction; after the
commit this instance reloads at once and tells every other instance over the invalidation bus
(cache/local.py: synchronous in this process, Redis pub/sub across processes), which reloads on
hearing it. Every instance also polls the version every `RESILIENCE__FLAGS_POLL_SECONDS` (2 s; one
one-row query), on the primary, so a lost message or Redis being down delays a change by at most
that. If the database is unreachable the last snapshot stays in force; before the first load, each
flag's declared default applies.

Who may change: `site.admin` (Authorizer), or the operator at the console (`actor=None`, the CLI).
Every change is one audit-log row in the same transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Literal

from openfeature import api
from openfeature.evaluation_context import EvaluationContext
from openfeature.provider.no_op_provider import NoOpProvider
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.cache.local import InvalidationBus
from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, Forbidden, NotFound
from sanctum.db.database import Database
from sanctum.domains.accounts.service import Actor
from sanctum.domains.audit.service import AuditAction, AuditLog
from sanctum.domains.flags.catalogue import FLAGS, Flag
from sanctum.domains.flags.provider import SanctumProvider
from sanctum.domains.flags.repository import FlagRepository
from sanctum.domains.flags.rules import Snapshot
from sanctum.domains.flags.schemas import FlagChange, FlagList, FlagOverrideChange, FlagOverrideRead, FlagRead
from sanctum.domains.roles.permissions import Permission
from sanctum.domains.roles.service import SITE, Authorizer
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.flags")

BUS_NAME = "flags"
# The sanctums service's access check (raises 404 for a sanctum the user may not see); given after
# construction (`use_sanctum_access`), as the sanctums service is built after this one.
SanctumAccess = Callable[[AsyncSession, uuid.UUID, uuid.UUID], Awaitable[object]]


class FlagService:
    name = BUS_NAME  # as seen by the invalidation bus

    def __init__(
        self, db: Database, bus: InvalidationBus, authz: Authorizer, audit: AuditLog, poll_seconds: float
    ) -> None:
        self._db, self._bus, self._authz, self._audit = db, bus, authz, audit
        self._repo = FlagRepository()
        self._poll = poll_seconds
        self._snapshot = Snapshot()
        self._domain = f"sanctum-{uuid.uuid4().hex}"
        api.set_provider(SanctumProvider(lambda: self._snapshot), self._domain)
        self._client = api.get_client(self._domain)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sanctum_access: SanctumAccess | None = None
        bus.register(self)

    def use_sanctum_access(self, access: SanctumAccess) -> None:
        self._sanctum_access = access

    # -- evaluation (what other services call) ---------------------------------------------------

    def on(self, flag: Flag, user_id: uuid.UUID | None, sanctum_id: uuid.UUID | None = None) -> bool:
        """Whether `flag` is on for this user (in this sanctum, when the check has one)."""
        attributes = {"sanctum": str(sanctum_id)} if sanctum_id is not None else {}
        context = EvaluationContext(str(user_id) if user_id is not None else None, attributes)
        return self._client.get_boolean_value(flag.name, flag.default, context)

    def require(self, flag: Flag, user_id: uuid.UUID | None, sanctum_id: uuid.UUID | None = None) -> None:
        """Raise 403 FEATURE_DISABLED unless `flag` is on for this user."""
        if not self.on(flag, user_id, sanctum_id):
            raise Forbidden(f"This feature is turned off: {flag.description}", code=ErrorCode.FEATURE_DISABLED)

    def for_user(self, user_id: uuid.UUID, sanctum_id: uuid.UUID | None = None) -> dict[str, bool]:
        return {name: self.on(flag, user_id, sanctum_id) for name, flag in FLAGS.items()}

    async def for_user_in(self, user_id: uuid.UUID, sanctum_id: uuid.UUID | None) -> dict[str, bool]:
        """Every flag for the user, in a sanctum's context when one is named (its overrides apply): only
        a sanctum they may see (404 SANCTUM_NOT_FOUND otherwise, as everywhere), one access query."""
        if sanctum_id is not None and self._sanctum_access is not None:
            async with self._db.reader() as db:
                await self._sanctum_access(db, user_id, sanctum_id)
        return self.for_user(user_id, sanctum_id)

    @property
    def version(self) -> int:
        """The version of the snapshot in force (-1 before the first load)."""
        return self._snapshot.version

    # -- keeping the snapshot current ------------------------------------------------------------

    async def start(self) -> None:
        with contextlib.suppress(Exception):  # the database down at start: declared defaults until it is back
            await self.refresh()
        if self._task is None:
            self._task = asyncio.create_task(self._follow(), name="flags-poll")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        api.set_provider(NoOpProvider(), self._domain)

    async def refresh(self) -> None:
        """Reload the snapshot if the version in the database moved (on the primary: lag would hide it)."""
        async with self._db.reader(fresh=True) as db:
            if await self._repo.version(db) != self._snapshot.version:
                self._snapshot = await self._repo.snapshot(db)

    async def _follow(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.refresh()
            except Exception as exc:
                log.warning("flags_refresh_failed", error=type(exc).__name__)

    def drop(self, keys: object, tags: object) -> None:
        """The bus says the flags changed somewhere: reload now rather than at the next poll."""
        self._wake.set()

    def clear(self) -> None:
        self._wake.set()

    async def _changed(self) -> None:
        with contextlib.suppress(Exception):
            await self.refresh()
        await self._bus.forget(BUS_NAME)

    # -- administration ----------------------------------------------------------------------------

    @staticmethod
    def _flag(name: str) -> Flag:
        flag = FLAGS.get(name)
        if flag is None:
            raise NotFound("No such flag.", code=ErrorCode.FLAG_NOT_FOUND)
        return flag

    async def list(self, actor: Actor | None) -> FlagList:
        """Every declared flag as the database has it (site admins; `None` is the console)."""
        async with self._db.reader(fresh=True) as db:
            if actor is not None:
                await self._authz.require(db, actor, Permission.SITE_ADMIN, SITE)
            snapshot = await self._repo.snapshot(db)
            updated = await self._repo.updated_at(db)
        return FlagList(
            items=[_read(snapshot, flag, updated.get(flag.name)) for flag in FLAGS.values()], version=snapshot.version
        )

    async def change(self, actor: Actor | None, name: str, change: FlagChange) -> FlagRead:
        flag = self._flag(name)
        async with self._db.writer() as db:
            if actor is not None:
                await self._authz.require(db, actor, Permission.SITE_ADMIN, SITE)
            before = (await self._repo.snapshot(db)).flags.get(name)
            enabled = change.enabled if change.enabled is not None else (before.enabled if before else True)
            percent = change.rollout_percent
            if percent is None:
                percent = before.rollout_percent if before else (100 if flag.default else 0)
            now = utcnow()
            await self._repo.set_flag(db, name, enabled, percent, now, actor.id if actor else None)
            await self._repo.bump(db)
            was = {"enabled": before.enabled, "rollout_percent": before.rollout_percent} if before else None
            details = {"enabled": enabled, "rollout_percent": percent, "before": was}
            await self._audit.record(db, actor, AuditAction.FLAG_CHANGE, "flag", name, metadata=details)
            db.after_commit(self._changed)
        return await self._one(flag)

    async def override(self, actor: Actor | None, name: str, change: FlagOverrideChange) -> FlagRead:
        flag = self._flag(name)
        async with self._db.writer() as db:
            if actor is not None:
                await self._authz.require(db, actor, Permission.SITE_ADMIN, SITE)
            now = utcnow()
            await self._repo.ensure_flag(db, name, True, 100 if flag.default else 0, now)
            kind: Literal["user", "sanctum"] = change.subject_type
            await self._repo.set_override(db, name, kind, change.subject_id, change.value, now)
            await self._repo.bump(db)
            details = {"subject_type": kind, "subject_id": str(change.subject_id), "value": change.value}
            sanctum = change.subject_id if kind == "sanctum" else None
            await self._audit.record(
                db, actor, AuditAction.FLAG_OVERRIDE, "flag", name, sanctum_id=sanctum, metadata=details
            )
            db.after_commit(self._changed)
        return await self._one(flag)

    async def _one(self, flag: Flag) -> FlagRead:
        async with self._db.reader(fresh=True) as db:
            snapshot = await self._repo.snapshot(db)
            updated = await self._repo.updated_at(db)
        return _read(snapshot, flag, updated.get(flag.name))


def _read(snapshot: Snapshot, flag: Flag, updated_at: datetime | None) -> FlagRead:
    row = snapshot.flags.get(flag.name)
    overrides = [
        FlagOverrideRead(subject_type=kind, subject_id=subject, value=value)
        for (name, kind, subject), value in sorted(snapshot.overrides.items(), key=lambda i: (i[0][1], str(i[0][2])))
        if name == flag.name
    ]
    return FlagRead(
        name=flag.name,
        description=flag.description,
        default=flag.default,
        configured=row is not None,
        enabled=row.enabled if row else True,
        rollout_percent=row.rollout_percent if row else (100 if flag.default else 0),
        overrides=overrides,
        updated_at=updated_at,
    )
