from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, created_at_column


class PromocodeCampaign(Base):
    """A link between a promocode and a campaign: once a promocode has any, a committed
    validation must name one of them (SPEC §6)."""

    __tablename__ = "promocode_campaigns"
    __table_args__ = (Index("ix_promocode_campaigns_campaign_id", "campaign_id"),)

    promocode_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("promocodes.id", ondelete="CASCADE"), primary_key=True
    )
    campaign_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[str] = mapped_column(String(36), ForeignKey("tenants.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = created_at_column()
