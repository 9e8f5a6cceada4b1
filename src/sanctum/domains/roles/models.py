"""Tables of the roles domain: the custom roles of sanctums (built-in roles are code, permissions.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime


class SanctumRole(Base):
    """A role a sanctum's owner or admins made: a name members are given and its permissions."""

    __tablename__ = "sanctum_roles"
    __table_args__ = (UniqueConstraint("sanctum_id", "name", name="uq_sanctum_roles_sanctum_id_name"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    sanctum_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sanctums.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(32))
    # Space-separated permission names (permissions.serialize).
    permissions: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
