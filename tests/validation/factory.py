"""Builds the world validation needs directly in the database (reward types, schemas, an
active promotion, promocodes and values), so these tests do not depend on other domains'
HTTP endpoints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpromo.db import Database
from openpromo.kit.ids import new_id
from openpromo.models import Customer, Promotion, PropertyDefinition, RewardType
from openpromo.models.promocode import Promocode
from openpromo.models.promocode_campaign import PromocodeCampaign
from openpromo.models.promocode_value import PromocodeValue
from openpromo.rules import RewardTypeInfo, compile_tiers

DEFAULT_TIERS: list[dict[str, Any]] = [
    {
        "id": "high",
        "name": "High depositors",
        "condition": {"property": "session.deposit", "op": "gte", "value": "100"},
        "rewards": [
            {"reward_type": "spins", "value": {"fixed": "20"}},
            {"reward_type": "eur", "value": {"percent": "10", "of": "session.deposit"}},
        ],
    },
    {
        "id": "low",
        "name": "Everyone else",
        "condition": {"property": "session.deposit", "op": "gte", "value": "10"},
        "rewards": [{"reward_type": "spins", "value": {"fixed": "5"}}],
    },
]


@dataclass
class World:
    tenant_id: str
    promotion_id: str
    promocode_id: str | None = None
    values: list[str] = field(default_factory=list)


async def setup_world(
    database: Database,
    tenant_id: str,
    *,
    tiers: list[dict[str, Any]] | None = None,
    budgets: dict[str, Any] | None = None,
    constraints: dict[str, Any] | None = None,
    type_constraints: dict[str, dict[str, Any]] | None = None,
    status: str = "active",
    promocode: dict[str, Any] | None = None,
    values: list[str] | None = None,
    campaigns: list[str] | None = None,
    customers: dict[str, dict[str, Any]] | None = None,
    timezone: str | None = None,
) -> World:
    tiers = tiers if tiers is not None else DEFAULT_TIERS
    type_constraints = type_constraints or {}
    async with database.unit_of_work() as session:
        from sqlalchemy import select

        from openpromo.models import Tenant

        tenant = await session.scalar(select(Tenant).where(Tenant.id == tenant_id))
        assert tenant is not None
        if timezone:
            tenant.timezone = timezone
        existing = set(
            (
                await session.scalars(
                    select(RewardType.key).where(RewardType.tenant_id == tenant_id)
                )
            ).all()
        )
        if "spins" not in existing:
            session.add(
                RewardType(
                    tenant_id=tenant_id,
                    key="spins",
                    name="Free spins",
                    display_name="Free spins",
                    category="unit",
                    currency=None,
                    unit_name="spin",
                    decimals=0,
                    rounding="down",
                    constraints=type_constraints.get("spins", {}),
                )
            )
            session.add(
                RewardType(
                    tenant_id=tenant_id,
                    key="eur",
                    name="EUR bonus",
                    display_name="EUR bonus",
                    category="amount",
                    currency="EUR",
                    decimals=2,
                    rounding="down",
                    constraints=type_constraints.get("eur", {}),
                )
            )
            for position, (scope, key, type_) in enumerate(
                [
                    ("session", "deposit", "decimal"),
                    ("session", "channel", "string"),
                    ("customer", "ltv", "decimal"),
                    ("customer", "country", "string"),
                ]
            ):
                session.add(
                    PropertyDefinition(
                        tenant_id=tenant_id, scope=scope, key=key, type=type_, position=position
                    )
                )
        for cid, props in (customers or {}).items():
            session.add(
                Customer(tenant_id=tenant_id, customer_id=cid, properties=props, sources={})
            )
        types: dict[str, Any] = {
            "session.deposit": "decimal",
            "session.channel": "string",
            "customer.ltv": "decimal",
            "customer.country": "string",
        }
        infos = {"spins": RewardTypeInfo("spins", 0), "eur": RewardTypeInfo("eur", 2)}
        compiled = compile_tiers(tiers, types, infos)
        promotion = Promotion(
            id=new_id(),
            tenant_id=tenant_id,
            name="Promo",
            code=f"P-{new_id()[-12:]}",
            status=status,
            version=1,
            properties={},
            tiers=compiled.normalized,
            reward_constraints=constraints or {},
            budgets=budgets or {},
            referenced_properties=sorted(compiled.referenced_properties),
            referenced_reward_types=sorted(compiled.referenced_reward_types),
        )
        session.add(promotion)
        await session.flush()
        world = World(tenant_id, promotion.id)
        if promocode is not None:
            pc = Promocode(
                id=new_id(),
                tenant_id=tenant_id,
                name="Code",
                type=promocode.get("type", "shared"),
                promotion_id=promocode.get("promotion_id", promotion.id),
                hidden=promocode.get("hidden", False),
                once_per_customer=promocode.get("once_per_customer", True),
                max_redemptions=promocode.get("max_redemptions"),
                fallback_value=promocode.get("fallback_value"),
            )
            if pc.type == "single_use":
                pc.max_redemptions = 1
            session.add(pc)
            await session.flush()
            for value in values or []:
                session.add(
                    PromocodeValue(
                        tenant_no=tenant.number,
                        promocode_no=pc.number,
                        value=value,
                        status="available",
                    )
                )
            for campaign in campaigns or []:
                from openpromo.models import Campaign

                session.add(Campaign(id=campaign, tenant_id=tenant_id, name=campaign))
                await session.flush()
                session.add(
                    PromocodeCampaign(promocode_id=pc.id, campaign_id=campaign, tenant_id=tenant_id)
                )
            world.promocode_id = pc.id
            world.values = list(values or [])
    return world


def ctx(customer: str, deposit: str | None = "150", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"customer_id": customer}
    if deposit is not None:
        out["session"] = {"deposit": deposit}
    out.update(extra)
    return out
