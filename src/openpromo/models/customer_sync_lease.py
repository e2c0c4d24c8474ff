from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, UTCDateTime


class CustomerSyncLease(Base):
    """Who is running the tenant's synchronisation, until when (renewed while it runs).

    Taken with one guarded upsert (``… ON CONFLICT DO UPDATE … WHERE expires_at < now``), so
    at most one process on any machine holds it; a crashed holder's lease simply expires.
    """

    __tablename__ = "customer_sync_leases"

    tenant_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
