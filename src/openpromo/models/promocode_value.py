from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    TypeDecorator,
    func,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, column_property, mapped_column

from openpromo.models.base import Base, UTCDateTime
from openpromo.models.promocode import Promocode
from openpromo.models.tenant import Tenant

# Stored as a small integer; the codes sort like the names, so "by status" (listing, export)
# is the same order it always was: allocated, available, redeemed.
VALUE_STATUSES = ("allocated", "available", "redeemed")
_CODE = {name: code for code, name in enumerate(VALUE_STATUSES)}


class ValueStatus(TypeDecorator[str]):
    """A value's status: ``'available'`` etc. in Python and in every query, ``smallint`` in
    the table (2 bytes, which fit in the alignment padding after the two integer keys, against
    11 for the text)."""

    impl = SmallInteger()
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        try:
            return _CODE[value]
        except KeyError:
            raise ValueError(f"unknown promocode value status {value!r}") from None

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else VALUE_STATUSES[value]


# Byte-wise ordering on PostgreSQL, so that ``lower(value) LIKE 'abc%'`` (values search) and
# keyset ranges use the unique index whatever the database's default collation is (lower()
# keeps its argument's collation, and so does the expression index).
ValueText = String(64).with_variant(String(64, collation="C"), "postgresql")


class PromocodeValue(Base):
    """One value of one promocode. The unique index on ``(tenant_no, lower(value))`` is what
    makes a value resolve to exactly one promocode of the tenant, case-insensitively, whatever
    number of uploads run at once.

    Lean on purpose, because this table holds tens of millions of rows and is bulk-loaded
    (bench/codes_upload.py, docs/promocodes.md): the tenant and the promocode are their integer
    ``number`` (models/numbering.py), not their 36-character ids; the status is a small integer;
    the case-insensitive key is an expression index, not a second copy of the value; no
    ``created_at`` (upload order is ``id``); three indexes, one of them partial and empty on a
    bulk load; and NO foreign keys. On PostgreSQL a foreign key costs a trigger call and a row
    lock per inserted row. What the keys would guarantee is kept by construction instead:
    values are written only by ``promocode.repository``, for a promocode read (and
    tenant-checked) in the same transaction, and promocodes are never deleted (grants reference
    them for ever). Whoever adds a promocode or tenant deletion must delete its values in the
    same transaction.
    """

    __tablename__ = "promocode_values"
    __table_args__ = (
        CheckConstraint("status BETWEEN 0 AND 2", name="status"),
        Index(
            "uq_promocode_values_tenant_lower_value",
            "tenant_no",
            func.lower(text("value")),
            unique=True,
        ),
        # Next available value of a promocode; listing and export (by status, then in upload
        # order). One index for both: every index costs on a bulk load.
        Index("ix_promocode_values_promocode_status_id", "promocode_no", "status", "id"),
        # "The value this customer was given" (re-validation returns the same one). Partial:
        # uploaded values have no customer, so a bulk load does not touch it.
        Index(
            "ix_promocode_values_promocode_customer",
            "promocode_no",
            "customer_id",
            sqlite_where=text("customer_id IS NOT NULL"),
            postgresql_where=text("customer_id IS NOT NULL"),
        ),
    )

    # Column order is the on-disk order on PostgreSQL: 8-byte id, two 4-byte keys, the 2-byte
    # status, then the variable-length value — no alignment padding in between.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    tenant_no: Mapped[int] = mapped_column(Integer())
    promocode_no: Mapped[int] = mapped_column(Integer())
    status: Mapped[str] = mapped_column(
        ValueStatus(), default="available", server_default=text("1")
    )
    value: Mapped[str] = mapped_column(ValueText)
    customer_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    # The ids, as SQL only (deferred: never loaded with a row): a correlated lookup per row,
    # for ad-hoc queries and tests ("values of this promocode id"). Production queries filter
    # on the numbers (``promocode.repository``'s ``_values``), which the indexes serve.
    promocode_id: Mapped[str] = column_property(
        select(Promocode.id)
        .where(Promocode.number == promocode_no)
        .correlate_except(Promocode)
        .scalar_subquery(),
        deferred=True,
    )
    tenant_id: Mapped[str] = column_property(
        select(Tenant.id)
        .where(Tenant.number == tenant_no)
        .correlate_except(Tenant)
        .scalar_subquery(),
        deferred=True,
    )

    @hybrid_property
    def value_key(self) -> str:
        """``lower(value)``: the key of the unique index (values are ASCII, so SQLite's
        ASCII-only ``lower`` and PostgreSQL's agree)."""
        return self.value.lower()

    @value_key.inplace.expression
    @classmethod
    def _value_key_expression(cls) -> Any:
        return func.lower(cls.value)
