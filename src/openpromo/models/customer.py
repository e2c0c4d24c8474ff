from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, JSONDoc, created_at_column, updated_at_column

_BYTEWISE_36 = String(36).with_variant(String(36, collation="C"), "postgresql")
_BYTEWISE_128 = String(128).with_variant(String(128, collation="C"), "postgresql")


class Customer(Base):
    """A tenant's customer: values of the synchronised customer-schema properties (SPEC §8).

    ``properties`` holds JSON values (decimals, dates and datetimes as strings); a JSON null
    stands for "no value" and is never shown. Where each value came from and when is a stamp
    such as ``"i1764092466151982"`` (source initial, epoch µs): ``stamp`` is the stamp of the
    write that last set the row and holds for every property that ``sources`` (NULL when
    empty) does not name — one stamp per row instead of one per value.

    ``tenant_id`` deliberately has no foreign key: imports and syncs write millions of rows and
    the per-row referential check costs about a third of each batch. Rows are only ever
    written through a tenant's authenticated principal, and tenants are never deleted.
    """

    __tablename__ = "customers"

    # Bytewise on PostgreSQL (migration 0010): opaque keys, cheaper index, prefix search.
    tenant_id: Mapped[str] = mapped_column(_BYTEWISE_36, primary_key=True)
    customer_id: Mapped[str] = mapped_column(_BYTEWISE_128, primary_key=True)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    sources: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, nullable=True)
    stamp: Mapped[str | None] = mapped_column(String(24), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
