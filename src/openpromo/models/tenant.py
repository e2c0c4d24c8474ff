from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, created_at_column, id_column, updated_at_column
from openpromo.models.numbering import number_default


class Tenant(Base):
    __tablename__ = "tenants"
    __table_args__ = (Index("uq_tenants_number", "number", unique=True),)
    # ``number`` comes from a SQL default: fetched back on insert (RETURNING), never lazily.
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[str] = id_column()
    # The tenant's integer surrogate, stored in every promocode value instead of ``id``
    # (models/numbering.py).
    number: Mapped[int] = mapped_column(Integer, default=number_default("tenants"))
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    default_currency: Mapped[str] = mapped_column(String(3), default="EUR")
    week_start: Mapped[str] = mapped_column(String(9), default="monday")
    locale: Mapped[str] = mapped_column(String(35), default="en")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    # Bumped by database triggers (migration 0009) on every change to the tenant's reward
    # types and property definitions: the validity key of per-process caches of them.
    config_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Reservations (docs/reservations.md): how long one is held by default and at most.
    reservation_default_seconds: Mapped[int] = mapped_column(
        Integer, default=900, server_default="900"
    )
    reservation_max_seconds: Mapped[int] = mapped_column(
        Integer, default=86400, server_default="86400"
    )
