from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import (
    Base,
    JSONDoc,
    created_at_column,
    id_column,
    tenant_column,
    updated_at_column,
)

PROPERTY_SCOPES = ("customer", "session", "promotion")


class PropertyDefinition(Base):
    """One typed property of a tenant's customer, session or promotion schema (SPEC §2).

    ``allowed_values``, ``min`` and ``max`` are stored as JSON values (integers as numbers,
    decimals, dates and datetimes as ISO strings). ``position`` keeps the order in which the
    scope was last written.
    """

    __tablename__ = "property_definitions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "scope", "key"),
        CheckConstraint("scope IN ('customer','session','promotion')", name="scope"),
        CheckConstraint(
            "type IN ('string','integer','decimal','boolean','date','datetime','string_list')",
            name="type",
        ),
        CheckConstraint("max_length IS NULL OR max_length >= 1", name="max_length_positive"),
    )

    id: Mapped[str] = id_column()
    tenant_id: Mapped[str] = tenant_column()
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text(), default="")
    required: Mapped[bool] = mapped_column(Boolean(), default=False)
    allowed_values: Mapped[list[Any] | None] = mapped_column(JSONDoc, nullable=True)
    min: Mapped[Any] = mapped_column(JSONDoc, nullable=True)
    max: Mapped[Any] = mapped_column(JSONDoc, nullable=True)
    max_length: Mapped[int | None] = mapped_column(Integer(), nullable=True)
    pattern: Mapped[str | None] = mapped_column(Text(), nullable=True)
    position: Mapped[int] = mapped_column(Integer(), default=0)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
