from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import (
    Base,
    JSONDoc,
    UTCDateTime,
    created_at_column,
    id_column,
    tenant_column,
    updated_at_column,
)

PROMOTION_STATUSES = ("draft", "active", "deactivated", "archived")


class Promotion(Base):
    """A promotion: metadata, typed property values, compiled tiers, per-reward-type
    constraints and publishing budgets (SPEC §3-§5). ``version`` grows by one on every edit;
    grants record the version they were issued under."""

    __tablename__ = "promotions"
    __table_args__ = (
        CheckConstraint("status IN ('draft','active','deactivated','archived')", name="status"),
        CheckConstraint("version >= 1", name="version_positive"),
        # A code is unique among a tenant's non-archived promotions (archived codes are reusable).
        Index(
            "uq_promotions_tenant_code_live",
            "tenant_id",
            func.lower(text("code")),
            unique=True,
            sqlite_where=text("status <> 'archived'"),
            postgresql_where=text("status <> 'archived'"),
        ),
        Index("ix_promotions_tenant_status", "tenant_id", "status"),
    )

    id: Mapped[str] = id_column()
    tenant_id: Mapped[str] = tenant_column()
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text(), default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer(), default=1)
    # {property_key: JSON value} validated against the tenant's promotion schema.
    properties: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    # The normalised tiers returned by openpromo.rules.compile_tiers.
    tiers: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    # {reward_type_key: constraints}
    reward_constraints: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    # SPEC §5 publishing budgets (PublishingBudgets.model_dump(mode="json")).
    budgets: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    # Denormalised from the compiled tiers so referential-integrity checks are a query.
    referenced_properties: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    referenced_reward_types: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    first_activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
