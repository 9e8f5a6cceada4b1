"""The files of a room, found by an index: the sweep of a deleted channel's files
(domains/files/sweep.py) takes them 500 at a time by `room_id`.

Revision ID: 0038
Revises: 0034
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0038"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_files_room_id", "files", ["room_id"])


def downgrade() -> None:
    op.drop_index("ix_files_room_id", table_name="files")
