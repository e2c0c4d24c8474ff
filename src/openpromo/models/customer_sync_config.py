from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import (
    Base,
    JSONDoc,
    UTCDateTime,
    created_at_column,
    updated_at_column,
)


class CustomerSyncConfig(Base):
    """A tenant's customer synchronisation settings (one row per tenant).

    ``source`` is the source as the API shows it: a SQL URL's password is replaced by ``***``
    and kept, Fernet-encrypted, in ``source_secret``. ``next_run_at`` is the next scheduled
    run (UTC), claimed by the scheduler with a guarded UPDATE so that one worker runs it.
    """

    __tablename__ = "customer_sync_configs"
    __table_args__ = (CheckConstraint("mode IN ('upsert','replace')", name="mode"),)

    tenant_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean(), default=False)
    properties: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    source: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, nullable=True)
    source_secret: Mapped[str | None] = mapped_column(Text(), nullable=True)
    schedule_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    mode: Mapped[str] = mapped_column(String(8), default="upsert")
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
