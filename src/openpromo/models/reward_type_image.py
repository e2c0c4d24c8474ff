from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, tenant_column, updated_at_column


class RewardTypeImage(Base):
    """A reward type's image, stored in the database so that any number of stateless
    servers can answer for it. One row per reward type, replaced on upload."""

    __tablename__ = "reward_type_images"

    reward_type_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("reward_types.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[str] = tenant_column()
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer())
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary())
    updated_at: Mapped[datetime] = updated_at_column()
