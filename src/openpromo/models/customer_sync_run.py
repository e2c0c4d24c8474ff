from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import (
    Base,
    JSONDoc,
    UTCDateTime,
    created_at_column,
    id_column,
    tenant_column,
)


class CustomerSyncRun(Base):
    """One synchronisation run and its report.

    A partial unique index allows at most one ``queued`` or ``running`` run per tenant, so two
    triggers racing (API, scheduler, CLI, on any machine) cannot both start one.
    """

    __tablename__ = "customer_sync_runs"
    __table_args__ = (
        CheckConstraint("status IN ('queued','running','succeeded','failed')", name="status"),
        CheckConstraint("trigger IN ('schedule','manual')", name="trigger"),
        Index(
            "uq_customer_sync_runs_one_active",
            "tenant_id",
            unique=True,
            postgresql_where=text("status IN ('queued','running')"),
            sqlite_where=text("status IN ('queued','running')"),
        ),
        Index("ix_customer_sync_runs_status", "status"),
    )

    id: Mapped[str] = id_column()
    tenant_id: Mapped[str] = tenant_column()
    status: Mapped[str] = mapped_column(String(16), default="queued")
    trigger: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(8), default="upsert")
    created_at: Mapped[datetime] = created_at_column()
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    rows_read: Mapped[int] = mapped_column(Integer(), default=0)
    rows_upserted: Mapped[int] = mapped_column(Integer(), default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer(), default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    error: Mapped[str | None] = mapped_column(Text(), nullable=True)
