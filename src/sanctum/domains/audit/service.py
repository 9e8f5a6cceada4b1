"""`AuditLog.record(db, ...)`: append one row in the caller's unit of work; `page(db, ...)` reads.

Actions are a closed vocabulary (`AuditAction`); the target is a type and an id as text (a user, a
message id, a role name); `sanctum_id` scopes a row to the sanctum it happened in (sanctum moderators
read only theirs). The write is one Core INSERT on the table, so recording costs an action a
statement and no ORM flush.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import orjson
from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.db.base import table_of
from sanctum.domains.audit.models import AuditEntry


class AuditAction(StrEnum):
    ROLE_CREATE = "role.create"
    ROLE_UPDATE = "role.update"
    ROLE_DELETE = "role.delete"
    ROLE_ASSIGN = "role.assign"
    SITE_ROLE_ASSIGN = "site_role.assign"
    SANCTUM_TRANSFER = "sanctum.transfer"
    MEMBER_REMOVE = "member.remove"
    MESSAGE_PIN = "message.pin"
    MESSAGE_UNPIN = "message.unpin"
    MESSAGE_DELETE = "message.delete"
    POST_DELETE = "post.delete"
    COMMENT_DELETE = "comment.delete"
    USER_MUTE = "user.mute"
    USER_UNMUTE = "user.unmute"
    USER_BAN = "user.ban"
    USER_UNBAN = "user.unban"
    ACCOUNT_SUSPEND = "account.suspend"
    ACCOUNT_UNSUSPEND = "account.unsuspend"
    REPORT_RESOLVE = "report.resolve"
    LOGOUT_ALL = "session.logout_all"
    PASSWORD_CHANGE = "account.password_change"
    EMAIL_CHANGE = "account.email_change"
    EMAIL_VERIFY = "account.email_verify"
    PASSWORD_RESET = "account.password_reset"
    TOTP_ENABLE = "account.totp_enable"
    TOTP_DISABLE = "account.totp_disable"
    RECOVERY_CODES_REGENERATE = "account.recovery_codes"
    PASSKEY_ADD = "account.passkey_add"
    PASSKEY_REMOVE = "account.passkey_remove"
    ACCOUNT_DELETE = "account.delete"
    SETTINGS_CHANGE = "settings.change"
    FLAG_CHANGE = "flag.change"
    FLAG_OVERRIDE = "flag.override"
    EMOJI_ADD = "emoji.add"
    EMOJI_DELETE = "emoji.delete"


class Who(Protocol):
    """Who did it: an `Actor` (accounts), which this module may not import."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def ip(self) -> str: ...


_audit = table_of(AuditEntry)
_INSERT = insert(_audit)


class AuditLog:
    async def record(
        self,
        db: AsyncSession,
        by: Who | None,
        action: AuditAction,
        target_type: str,
        target_id: object,
        *,
        sanctum_id: uuid.UUID | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Append a row in the caller's transaction (a writer's unit of work): `by` (an `Actor`; None
        for the system) did `action` to the `target_type` with `target_id`."""
        await db.execute(
            _INSERT,
            {
                "created_at": utcnow(),
                "actor_id": by.id if by is not None else None,
                "action": action.value,
                "target_type": target_type,
                "target_id": str(target_id)[:64],
                "sanctum_id": sanctum_id,
                "details": orjson.dumps(dict(metadata or {}), default=str).decode(),
                "ip": (by.ip if by is not None else "")[:64],
            },
        )

    async def page(
        self,
        db: AsyncSession,
        *,
        sanctum_id: uuid.UUID | None,
        action: str | None,
        actor_id: uuid.UUID | None,
        target_id: str | None,
        since: datetime | None,
        before_id: int | None,
        limit: int,
    ) -> list[Row[Any]]:
        """Newest first; `sanctum_id` None is every row (site staff)."""
        query = select(_audit)
        if sanctum_id is not None:
            query = query.where(_audit.c.sanctum_id == sanctum_id)
        if action is not None:
            query = query.where(_audit.c.action == action)
        if actor_id is not None:
            query = query.where(_audit.c.actor_id == actor_id)
        if target_id is not None:
            query = query.where(_audit.c.target_id == target_id)
        if since is not None:
            query = query.where(_audit.c.created_at >= since)
        if before_id is not None:
            query = query.where(_audit.c.id < before_id)
        return list((await db.execute(query.order_by(_audit.c.id.desc()).limit(limit))).all())


def details_of(row: Row[Any]) -> dict[str, Any]:
    value = orjson.loads(row.details or "{}")
    return value if isinstance(value, dict) else {}
