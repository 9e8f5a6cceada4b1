"""Roles and permissions, and the audit log.

- `users.site_role` replaces `users.is_admin` (admins become the `admin` site role); `users.suspended_*`
  and `suspension_reason` hold an account suspension.
- `sanctum_members.role` and `room_members.role` may name a custom role (32 characters); today's
  owner/moderator/member are the built-in sanctum roles of the same names.
- `sanctum_roles`: custom roles of a sanctum (name, permissions), going with their sanctum.
- `audit_log`: the append-only record of sensitive actions, with no foreign keys (it outlives what it names).

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sanctum.db.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("site_role", sa.String(16), nullable=True))
        batch.add_column(sa.Column("suspended_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("suspended_until", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("suspension_reason", sa.String(500), nullable=False, server_default=""))
    op.execute(sa.text("UPDATE users SET site_role = 'admin' WHERE is_admin"))
    with op.batch_alter_table("users") as batch:
        batch.drop_column("is_admin")
    for table in ("sanctum_members", "room_members"):
        with op.batch_alter_table(table) as batch:
            # The role may be a custom one now: the check listing the three built-in names goes.
            batch.drop_constraint(op.f(f"ck_{table}_ck_{table}_role"), type_="check")
            batch.alter_column("role", type_=sa.String(32), existing_type=sa.String(16), existing_nullable=False)
    op.create_table(
        "sanctum_roles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sanctum_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("permissions", sa.String(500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sanctum_roles"),
        sa.ForeignKeyConstraint(
            ["sanctum_id"], ["sanctums.id"], name="fk_sanctum_roles_sanctum_id_sanctums", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("sanctum_id", "name", name="uq_sanctum_roles_sanctum_id_name"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("sanctum_id", sa.Uuid(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_sanctum_id_id", "audit_log", ["sanctum_id", "id"])
    op.create_index("ix_audit_log_target_id_id", "audit_log", ["target_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_target_id_id", "audit_log")
    op.drop_index("ix_audit_log_sanctum_id_id", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("sanctum_roles")
    for table in ("sanctum_members", "room_members"):
        rows = sa.table(table, sa.column("role", sa.String()))
        op.execute(rows.update().where(rows.c.role.not_in(["owner", "moderator", "member"])).values(role="member"))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("role", type_=sa.String(16), existing_type=sa.String(32), existing_nullable=False)
            batch.create_check_constraint("role", "role IN ('owner', 'moderator', 'member')")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(sa.text("UPDATE users SET is_admin = (site_role = 'admin') WHERE site_role IS NOT NULL"))
    with op.batch_alter_table("users") as batch:
        batch.drop_column("suspension_reason")
        batch.drop_column("suspended_until")
        batch.drop_column("suspended_at")
        batch.drop_column("site_role")
