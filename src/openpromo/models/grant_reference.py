from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, created_at_column


class GrantReference(Base):
    """A claimed per-context ``reference``: one row per (promotion, reference) that granted.

    The primary key is what makes a reference idempotent under concurrency: the second of two
    concurrent requests with the same reference waits on the first's row and then finds it,
    and answers with the grants already made instead of granting again.
    """

    __tablename__ = "grant_references"

    # No foreign key to tenants: a ledger table written by every commit (migration 0012).
    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    promotion_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(255), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = created_at_column()
