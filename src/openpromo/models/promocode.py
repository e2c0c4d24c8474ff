from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import (
    Base,
    created_at_column,
    id_column,
    tenant_column,
    updated_at_column,
)
from openpromo.models.numbering import number_default

PROMOCODE_TYPES = ("shared", "single_use", "bulk")
# A bulk pool is "low" (``promocode.pool_low``) at this many unallocated values or fewer.
DEFAULT_POOL_LOW_THRESHOLD = 100
MAX_POOL_LOW_THRESHOLD = 100_000


class Promocode(Base):
    """The handle customers and campaigns use (SPEC §6). Its values — the one value of a
    ``shared``/``single_use`` code or the pool of a ``bulk`` one — live in ``promocode_values``.

    ``redemptions_count`` is changed only by guarded atomic UPDATEs (validation), with the
    CHECK below as the last line of defence; ``single_use`` codes carry ``max_redemptions = 1``.
    """

    __tablename__ = "promocodes"
    __table_args__ = (
        CheckConstraint("type IN ('shared','single_use','bulk')", name="type"),
        CheckConstraint(
            "max_redemptions IS NULL OR max_redemptions > 0", name="max_redemptions_positive"
        ),
        CheckConstraint(
            "redemptions_count >= 0 AND "
            "(max_redemptions IS NULL OR redemptions_count <= max_redemptions)",
            name="redemptions_within_max",
        ),
        Index("ix_promocodes_tenant_promotion", "tenant_id", "promotion_id"),
        Index("uq_promocodes_number", "number", unique=True),
    )
    # ``number`` comes from a SQL default: fetched back on insert (RETURNING), never lazily.
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[str] = id_column()
    # The promocode's integer surrogate, stored in each of its values instead of ``id``
    # (models/numbering.py).
    number: Mapped[int] = mapped_column(Integer(), default=number_default("promocodes"))
    tenant_id: Mapped[str] = tenant_column()
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))
    promotion_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("promotions.id", ondelete="SET NULL"), nullable=True
    )
    hidden: Mapped[bool] = mapped_column(Boolean(), default=False)
    once_per_customer: Mapped[bool] = mapped_column(Boolean(), default=True)
    max_redemptions: Mapped[int | None] = mapped_column(Integer(), nullable=True)
    fallback_value: Mapped[str | None] = mapped_column(String(64), nullable=True)
    redemptions_count: Mapped[int] = mapped_column(Integer(), default=0, server_default=text("0"))
    # bulk only: ``promocode.pool_low`` once the unallocated values are this few (0: never).
    pool_low_threshold: Mapped[int] = mapped_column(
        Integer(), default=DEFAULT_POOL_LOW_THRESHOLD, server_default=text("100")
    )
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
