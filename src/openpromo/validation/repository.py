"""The reads validation needs about its target: promocode, promotion, campaign links, reward
types. Scoped by tenant in the constructor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select

from openpromo.kit import rawpg
from openpromo.models import Promotion, PropertyDefinition, Tenant
from openpromo.models.promocode import Promocode
from openpromo.models.promocode_campaign import PromocodeCampaign
from openpromo.models.promocode_value import PromocodeValue
from openpromo.models.reward_type import RewardType
from openpromo.repository import TenantScopedRepository, tenant_bound


class PromotionHead(NamedTuple):
    """What every validation reads first: the promotion's cache key and status, the tenant's
    timezone, week start and configuration version (one query)."""

    id: str
    status: str
    version: int
    updated_at: datetime
    timezone: str
    week_start: str
    config_version: int


class PromotionBody(NamedTuple):
    """The promotion's documents (read only when the per-process cache misses)."""

    properties: dict[str, Any]
    tiers: list[Any]
    reward_constraints: dict[str, Any]
    budgets: dict[str, Any]
    referenced_reward_types: list[str]


class RewardTypeRow(NamedTuple):
    key: str
    decimals: int
    rounding: str
    constraints: dict[str, Any]


_P = Promotion.__table__.c
_T = Tenant.__table__.c
_HEAD = (
    select(
        _P.id, _P.status, _P.version, _P.updated_at, _T.timezone, _T.week_start, _T.config_version
    )
    .join_from(Promotion.__table__, Tenant.__table__, _T.id == _P.tenant_id)
    .where(tenant_bound(_P), _P.id == bindparam("promotion_id"))
)


_HEAD_PG = (
    "SELECT p.id, p.status, p.version, p.updated_at, t.timezone, t.week_start, "
    "t.config_version FROM promotions p JOIN tenants t ON t.id = p.tenant_id "
    "WHERE p.tenant_id = $1 AND p.id = $2"
)


class ValidationRepository(TenantScopedRepository):
    async def promocode(self, promocode_id: str) -> Promocode | None:
        return await self.session.scalar(
            self._select(Promocode)
            .where(Promocode.id == promocode_id)
            .execution_options(populate_existing=True)
        )

    async def promocode_by_value(self, value: str) -> Promocode | None:
        return await self.session.scalar(
            select(Promocode)
            .join(PromocodeValue, PromocodeValue.promocode_no == Promocode.number)
            .where(
                self.owns(PromocodeValue),
                PromocodeValue.value_key == value.lower(),
                self.owns(Promocode),
            )
            .execution_options(populate_existing=True)
        )

    async def promotion(self, promotion_id: str) -> Promotion | None:
        return await self.session.scalar(
            self._select(Promotion).where(Promotion.id == promotion_id)
        )

    async def promotion_head(self, promotion_id: str) -> PromotionHead | None:
        if self.session.get_bind().dialect.name == "postgresql":
            rows = await rawpg.fetch(self.session, _HEAD_PG, self.tenant_id, promotion_id)
            return PromotionHead(*rows[0]) if rows else None
        conn = await self.session.connection()
        row = (
            await conn.execute(_HEAD, {"tenant_id": self.tenant_id, "promotion_id": promotion_id})
        ).first()
        return PromotionHead(*row) if row is not None else None

    async def promotion_body(self, promotion_id: str) -> PromotionBody | None:
        row = (
            await self.session.execute(
                select(
                    Promotion.properties,
                    Promotion.tiers,
                    Promotion.reward_constraints,
                    Promotion.budgets,
                    Promotion.referenced_reward_types,
                ).where(self.owns(Promotion), Promotion.id == promotion_id)
            )
        ).first()
        if row is None:
            return None
        props, tiers, cons, budgets, refs = row
        return PromotionBody(props or {}, tiers or [], cons or {}, budgets or {}, refs or [])

    async def reward_type_rows(self) -> list[RewardTypeRow]:
        rows = await self.session.execute(
            select(
                RewardType.key, RewardType.decimals, RewardType.rounding, RewardType.constraints
            ).where(self.owns(RewardType))
        )
        return [RewardTypeRow(k, d, r, c or {}) for k, d, r, c in rows]

    async def property_definitions(self) -> Sequence[PropertyDefinition]:
        return (
            await self.session.scalars(
                self._select(PropertyDefinition).order_by(
                    PropertyDefinition.scope, PropertyDefinition.position, PropertyDefinition.key
                )
            )
        ).all()

    async def campaign_ids(self, promocode_id: str) -> set[str]:
        rows = await self.session.scalars(
            select(PromocodeCampaign.campaign_id).where(
                self.owns(PromocodeCampaign),
                PromocodeCampaign.promocode_id == promocode_id,
            )
        )
        return set(rows.all())

    async def reward_types(self) -> Sequence[RewardType]:
        return (await self.session.scalars(self._select(RewardType))).all()
