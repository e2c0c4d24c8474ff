from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import (
    Base,
    JSONDoc,
    UTCDateTime,
    created_at_column,
    id_column,
    tenant_column,
    updated_at_column,
)

REWARD_CATEGORIES = ("amount", "unit")
REWARD_ROUNDINGS = ("down", "half_up", "half_even", "up")
REWARD_TYPE_STATUSES = ("active", "archived")


class RewardType(Base):
    """What a reward is paid in (SPEC §1, §12): money in a currency or a counted unit.

    ``constraints`` holds the default reward constraints (SPEC §5) as JSON with decimal
    strings. The image bytes live in ``reward_type_images`` so lists never load them;
    ``image_content_type`` says whether there is one.
    """

    __tablename__ = "reward_types"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key"),
        CheckConstraint("category IN ('amount','unit')", name="category"),
        CheckConstraint("rounding IN ('down','half_up','half_even','up')", name="rounding"),
        CheckConstraint("status IN ('active','archived')", name="status"),
        CheckConstraint("decimals >= 0 AND decimals <= 6", name="decimals_range"),
        CheckConstraint(
            "(category = 'amount' AND currency IS NOT NULL) "
            "OR (category = 'unit' AND currency IS NULL)",
            name="currency_by_category",
        ),
    )

    id: Mapped[str] = id_column()
    tenant_id: Mapped[str] = tenant_column()
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text(), default="")
    category: Mapped[str] = mapped_column(String(8))
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    unit_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decimals: Mapped[int] = mapped_column(Integer())
    rounding: Mapped[str] = mapped_column(String(10), default="down")
    constraints: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="active")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    image_content_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
