from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, UTCDateTime


class UsageCounter(Base):
    """How much of one limit one calendar window has used (audience caps, reward budgets,
    per-customer limits, once-per-customer codes) — see ``openpromo.ledger.counters``.

    Changed only by guarded atomic updates; the CHECK is the backstop that makes going over a
    limit impossible whatever the code does. ``limit_value`` is refreshed from the current
    configuration on every consumption.
    """

    __tablename__ = "usage_counters"
    __table_args__ = (
        CheckConstraint("used >= 0 AND used <= limit_value", name="used_within_limit"),
    )

    # No foreign key to tenants: a ledger table written by every commit (migration 0012).
    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    slice: Mapped[int] = mapped_column(
        SmallInteger(), primary_key=True, default=0, server_default=text("0")
    )
    limit_value: Mapped[int] = mapped_column(BigInteger())
    used: Mapped[int] = mapped_column(BigInteger(), default=0)
