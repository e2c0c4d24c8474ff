from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import (
    Base,
    JSONDoc,
    UTCDateTime,
    created_at_column,
    id_column,
)


class Grant(Base):
    """One reward given to one customer: the ledger entry (SPEC §1, §7, §12).

    ``value_minor`` is the value in the reward type's minor units. ``consumed`` lists exactly
    what the grant took from the calendar counters, as ``[{"key", "window_start", "amount"}]``
    (plus ``"audience": true`` on audience-cap entries and ``"redemption": true`` on a shared
    code's redemption), so a reversal gives back exactly that. Rolling windows are summed from
    the live grants themselves. Grants are never deleted; reversal is a state. A reservation
    is a grant group with status ``reserved`` until it is confirmed (``granted``) or released
    (``released``).
    """

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint("status IN ('granted','reversed','reserved','released')", name="status"),
        CheckConstraint("value_minor > 0", name="value_positive"),
        Index("ix_grants_tenant_promotion_customer", "tenant_id", "promotion_id", "customer_id"),
        Index("ix_grants_tenant_promotion_created", "tenant_id", "promotion_id", "created_at"),
        Index("ix_grants_tenant_customer", "tenant_id", "customer_id"),
        Index("ix_grants_tenant_promotion_reference", "tenant_id", "promotion_id", "reference"),
        Index("ix_grants_tenant_code", "tenant_id", "promocode_id", "code"),
        Index("ix_grants_group_id", "group_id"),
        # The worker's scan for expired reservations (only held ones are indexed).
        Index(
            "ix_grants_reserved_until",
            "reserved_until",
            postgresql_where=text("status = 'reserved'"),
            sqlite_where=text("status = 'reserved'"),
        ),
    )

    id: Mapped[str] = id_column()
    # No foreign key to tenants and no index of its own (every index above starts with it):
    # the ledger is written tens of thousands of rows at a time, see migration 0012.
    tenant_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(128))
    promotion_id: Mapped[str] = mapped_column(String(36))
    promotion_version: Mapped[int] = mapped_column(Integer())
    promocode_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    campaign_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    tier_id: Mapped[str] = mapped_column(String(64))
    reward_type: Mapped[str] = mapped_column(String(64))
    value_minor: Mapped[int] = mapped_column(BigInteger())
    status: Mapped[str] = mapped_column(String(16), default="granted")
    reference: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # The grants one customer got from one validation share a group: what that validation
    # consumed once per customer (a code's redemption) is given back with the group's last
    # live grant.
    group_id: Mapped[str] = mapped_column(String(36))
    consumed: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A reservation (docs/reservations.md): held until then, then released by the worker.
    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
