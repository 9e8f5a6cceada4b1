"""Tables of the accounts domain."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # The site admins' lists (0034): only suspended accounts, only site staff.
        Index(
            "ix_users_suspended_at_id",
            "suspended_at",
            "id",
            postgresql_where=text("suspended_at IS NOT NULL"),
            sqlite_where=text("suspended_at IS NOT NULL"),
        ),
        Index(
            "ix_users_site_staff",
            "username",
            postgresql_where=text("site_role IS NOT NULL"),
            sqlite_where=text("site_role IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Set when a link emailed to `email` was followed (domains/security); the account works before it.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=None)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(64))
    bio: Mapped[str] = mapped_column(String(500), default="")
    avatar_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # The site-wide role (roles/permissions.py: "admin", "moderator"), None for everyone else.
    site_role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # A suspension: from `suspended_at` until `suspended_until` (None: until lifted).
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    suspension_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # A system account (the welcome bot): shown as a bot, never logs in.
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def is_admin(self) -> bool:
        return self.site_role == "admin"

    def suspended(self, now: datetime) -> bool:
        return self.suspended_at is not None and (self.suspended_until is None or self.suspended_until > now)


class AuthSession(Base):
    """One login: the family of refresh tokens that descend from it."""

    __tablename__ = "auth_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    user_agent: Mapped[str] = mapped_column(String(256), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class UserBlock(Base):
    """`blocker_id` blocked `blocked_id`: one row per direction; either row keeps the two apart."""

    __tablename__ = "user_blocks"
    __table_args__ = (Index("ix_user_blocks_blocked_id_blocker_id", "blocked_id", "blocker_id"),)

    blocker_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
