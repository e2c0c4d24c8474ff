from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, UTCDateTime, created_at_column

VALUE_STATUSES = ("available", "allocated", "redeemed")

# Byte-wise ordering on PostgreSQL, so that ``value_key LIKE 'abc%'`` (values search) and
# keyset ranges use the unique index whatever the database's default collation is.
ValueKey = String(64).with_variant(String(64, collation="C"), "postgresql")


class PromocodeValue(Base):
    """One value of one promocode. ``value_key`` is ``lower(value)``: the unique index on
    ``(tenant_id, value_key)`` is what makes a value resolve to exactly one promocode of the
    tenant, case-insensitively, whatever number of uploads run at once.

    Deliberately lean (this table holds tens of millions of rows and is bulk-loaded): an
    integer key, no foreign key on ``tenant_id`` (the promocode's tenant; a tenant's deletion
    reaches the values through ``promocode_id``'s cascade) and only the indexes queries need.
    """

    __tablename__ = "promocode_values"
    __table_args__ = (
        CheckConstraint("status IN ('available','allocated','redeemed')", name="status"),
        Index("uq_promocode_values_tenant_value_key", "tenant_id", "value_key", unique=True),
        # Next available value of a promocode; values of one status in upload order.
        Index("ix_promocode_values_promocode_status_id", "promocode_id", "status", "id"),
        # Listing / export of one promocode's values in upload order.
        Index("ix_promocode_values_promocode_id_id", "promocode_id", "id"),
        # "The value this customer was given" (re-validation returns the same one).
        Index(
            "ix_promocode_values_promocode_customer",
            "promocode_id",
            "customer_id",
            sqlite_where=text("customer_id IS NOT NULL"),
            postgresql_where=text("customer_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    tenant_id: Mapped[str] = mapped_column(String(36))
    promocode_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("promocodes.id", ondelete="CASCADE")
    )
    value: Mapped[str] = mapped_column(String(64))
    value_key: Mapped[str] = mapped_column(ValueKey)
    status: Mapped[str] = mapped_column(String(16), default="available")
    customer_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
