from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, UTCDateTime


class AudienceMember(Base):
    """A customer counted by an audience cap in one window (counted once per window)."""

    __tablename__ = "audience_members"

    # No foreign key to tenants: a ledger table written by every commit (migration 0012).
    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(128), primary_key=True)
