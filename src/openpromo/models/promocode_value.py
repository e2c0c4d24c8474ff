from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, text
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

    Deliberately lean, because this table holds tens of millions of rows and is bulk-loaded
    (bench/codes_upload.py): an integer key, only the indexes queries need, and NO foreign
    keys. On PostgreSQL a foreign key costs a trigger call and a row lock per inserted row —
    a third of the time of a million-value upload. What the keys would guarantee is kept by
    construction instead: values are written only by ``promocode.repository``, for a promocode
    read (and tenant-checked) in the same transaction, and promocodes are never deleted (grants
    reference them for ever). Whoever adds a promocode or tenant deletion must delete its
    values in the same transaction.
    """

    __tablename__ = "promocode_values"
    __table_args__ = (
        CheckConstraint("status IN ('available','allocated','redeemed')", name="status"),
        Index("uq_promocode_values_tenant_value_key", "tenant_id", "value_key", unique=True),
        # Next available value of a promocode; listing and export (by status, then in upload
        # order). One index for both: every index costs on a bulk load.
        Index("ix_promocode_values_promocode_status_id", "promocode_id", "status", "id"),
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
    promocode_id: Mapped[str] = mapped_column(String(36))
    value: Mapped[str] = mapped_column(String(64))
    value_key: Mapped[str] = mapped_column(ValueKey)
    status: Mapped[str] = mapped_column(String(16), default="available")
    customer_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
