"""The reads validation needs about its target: promocode, promotion, campaign links, reward
types. Scoped by tenant in the constructor."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.models import Promotion
from openpromo.models.promocode import Promocode
from openpromo.models.promocode_campaign import PromocodeCampaign
from openpromo.models.promocode_value import PromocodeValue
from openpromo.models.reward_type import RewardType


class ValidationRepository:
    def __init__(self, session: AsyncSession, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id

    async def promocode(self, promocode_id: str) -> Promocode | None:
        return await self.session.scalar(
            select(Promocode)
            .where(Promocode.tenant_id == self.tenant_id, Promocode.id == promocode_id)
            .execution_options(populate_existing=True)
        )

    async def promocode_by_value(self, value: str) -> Promocode | None:
        return await self.session.scalar(
            select(Promocode)
            .join(PromocodeValue, PromocodeValue.promocode_id == Promocode.id)
            .where(
                PromocodeValue.tenant_id == self.tenant_id,
                PromocodeValue.value_key == value.lower(),
                Promocode.tenant_id == self.tenant_id,
            )
            .execution_options(populate_existing=True)
        )

    async def promotion(self, promotion_id: str) -> Promotion | None:
        return await self.session.scalar(
            select(Promotion).where(
                Promotion.tenant_id == self.tenant_id, Promotion.id == promotion_id
            )
        )

    async def campaign_ids(self, promocode_id: str) -> set[str]:
        rows = await self.session.scalars(
            select(PromocodeCampaign.campaign_id).where(
                PromocodeCampaign.tenant_id == self.tenant_id,
                PromocodeCampaign.promocode_id == promocode_id,
            )
        )
        return set(rows.all())

    async def reward_types(self) -> Sequence[RewardType]:
        return (
            await self.session.scalars(
                select(RewardType).where(RewardType.tenant_id == self.tenant_id)
            )
        ).all()
