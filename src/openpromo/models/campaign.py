from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import (
    Base,
    UTCDateTime,
    created_at_column,
    id_column,
    tenant_column,
    updated_at_column,
)

CAMPAIGN_STATUSES = ("draft", "active", "paused", "ended")


class Campaign(Base):
    """A marketing campaign that distributes promocodes; grants record the one they came
    through. ``external_id`` is the campaign's id in the tenant's own tools (NULLs never
    collide in the unique constraint)."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("status IN ('draft','active','paused','ended')", name="status"),
        CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at", name="ends_after_starts"
        ),
        UniqueConstraint("tenant_id", "external_id"),
        Index("ix_campaigns_tenant_status", "tenant_id", "status"),
    )

    id: Mapped[str] = id_column()
    tenant_id: Mapped[str] = tenant_column()
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(100), nullable=True)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
