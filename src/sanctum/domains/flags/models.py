"""Tables of the flags domain: the operator's settings of each flag, its overrides, and one version
counter every change bumps (what each instance polls to know its snapshot is current)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sanctum.db.base import Base
from sanctum.db.types import UTCDateTime


class FeatureFlag(Base):
    __tablename__ = "feature_flags"
    __table_args__ = (CheckConstraint("rollout_percent BETWEEN 0 AND 100", name="rollout_percent"),)

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    rollout_percent: Mapped[int] = mapped_column(Integer, default=100)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # No foreign key: the setting outlives the admin who made it (the audit log says who).
    updated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)


class FeatureFlagOverride(Base):
    """One user's or one sanctum's forced value of a flag (the kill switch still wins)."""

    __tablename__ = "feature_flag_overrides"
    __table_args__ = (CheckConstraint("subject_type IN ('user', 'sanctum')", name="subject_type"),)

    flag: Mapped[str] = mapped_column(
        String(64), ForeignKey("feature_flags.name", ondelete="CASCADE"), primary_key=True
    )
    subject_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    value: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeatureFlagVersion(Base):
    __tablename__ = "feature_flag_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
