"""``openpromo demo seed``: a demo tenant made through the services, never SQL.

What it makes (a small online casino, "Demo casino", Europe/Berlin, EUR):

- reward types ``eur_bonus`` (amount, EUR, 2 decimals), ``free_spins`` (unit "spin"),
  ``points`` (unit "point");
- the three schemas: customer (vip_level enum, country, ltv decimal, birthday date, tags
  string_list), session (deposit_amount decimal, channel enum, first_deposit boolean),
  promotion (region);
- 200 customers with seeded random properties; three more console users (an editor, a
  viewer, a deactivated editor) besides the admin whose login is printed;
- promotions in every state: two active ones (three tiers with nested all/any/not
  conditions and fixed, percent and per rewards; reward constraints with a rolling 7-day
  per-customer limit; audience caps and reward budgets with alert thresholds), a draft, a
  deactivated and an archived one;
- promocodes of each type (shared, single use, and a bulk pool of 2,000 generated values
  linked to a campaign);
- committed grants spread over the last 30 days.

Grants are dated in the past honestly: each day's batch goes through the validation service
with its ``now`` argument set to that day (the same seam the service's tests use), so
windows, per-customer limits and budgets are counted as if the grants had happened then, in
order, oldest first. Nothing is written around the services.

Everything happens in one transaction: a failure leaves nothing behind. A second run with the
same tenant name is refused (``DemoExists``) rather than making a second "Demo casino".
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.campaign.schemas import CampaignCreate
from openpromo.campaign.service import campaign_service
from openpromo.customer.service import customer_service
from openpromo.errors import Conflict, ConflictRef, FieldError
from openpromo.kit.clock import utcnow
from openpromo.promocode.schemas import GenerateRequest, PromocodeCreate
from openpromo.promocode.service import promocode_service
from openpromo.promotion.schemas import PromotionCreate, PublishingBudgets
from openpromo.promotion.service import promotion_service
from openpromo.reward_type.schemas import RewardTypeCreate
from openpromo.reward_type.service import reward_type_service
from openpromo.schema.schemas import PropertyDefinitionPut
from openpromo.schema.service import schema_service
from openpromo.tenant.service import tenant_service
from openpromo.user.service import user_service
from openpromo.validation.schemas import ValidateRequest, ValidationContext
from openpromo.validation.service import Target, validation_service

DEFAULT_TENANT_NAME = "Demo casino"
CUSTOMERS = 200
BULK_VALUES = 2_000
DAYS = 30

VIP_LEVELS = ["bronze", "silver", "gold", "platinum"]
COUNTRIES = ["DE", "AT", "CH", "FR", "NL", "SE", "US"]
CHANNELS = ["web", "ios", "android"]
TAGS = ["newsletter", "sports", "slots", "live_casino", "high_roller", "churn_risk"]


@dataclass
class DemoExists(Conflict):
    code: str = "demo_exists"


@dataclass
class DemoTenant:
    tenant_id: str
    tenant_name: str
    admin_email: str
    admin_password: str
    api_key: str
    promotions: dict[str, str] = field(default_factory=dict)  # name -> id
    promocodes: dict[str, str] = field(default_factory=dict)  # name -> id
    campaign_id: str = ""
    customers: int = 0
    grants: int = 0

    def ids(self) -> dict[str, str]:
        """What page paths are filled in with (``demo.pages``)."""
        return {
            "active_promotion": self.promotions["Welcome deposit boost"],
            "draft_promotion": self.promotions["Christmas calendar"],
            "bulk_promocode": self.promocodes["Newsletter pool"],
            "campaign": self.campaign_id,
            "customer": "cust-0001",
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant_id,
            "tenant_name": self.tenant_name,
            "admin_email": self.admin_email,
            "admin_password": self.admin_password,
            "api_key": self.api_key,
            "promotions": self.promotions,
            "promocodes": self.promocodes,
            "campaign_id": self.campaign_id,
            "customers": self.customers,
            "grants": self.grants,
            "ids": self.ids(),
        }


def _reward_types() -> list[RewardTypeCreate]:
    return [
        RewardTypeCreate(
            key="eur_bonus",
            name="Bonus money",
            display_name="Bonus (EUR)",
            description="Bonus balance credited to the player's account.",
            category="amount",
            currency="EUR",
            decimals=2,
        ),
        RewardTypeCreate(
            key="free_spins",
            name="Free spins",
            description="Spins on the featured slot.",
            category="unit",
            unit_name="spin",
        ),
        RewardTypeCreate(
            key="points",
            name="Loyalty points",
            category="unit",
            unit_name="point",
        ),
    ]


SCHEMAS: dict[str, dict[str, dict[str, Any]]] = {
    "customer": {
        "vip_level": {
            "type": "string",
            "allowed_values": VIP_LEVELS,
            "description": "Loyalty level",
        },
        "country": {"type": "string", "max_length": 2, "description": "ISO country code"},
        "ltv": {"type": "decimal", "min": "0", "description": "Lifetime value in EUR"},
        "birthday": {"type": "date"},
        "tags": {"type": "string_list", "description": "CRM segments"},
    },
    "session": {
        "deposit_amount": {"type": "decimal", "min": "0", "description": "Deposit in EUR"},
        "channel": {"type": "string", "allowed_values": CHANNELS},
        "first_deposit": {"type": "boolean", "description": "The customer's first deposit"},
    },
    "promotion": {
        "region": {"type": "string", "description": "Market the promotion runs in"},
    },
}

# The flagship: three tiers, nested conditions over customer and session properties of
# several types, and each kind of formula.
WELCOME_TIERS: list[dict[str, Any]] = [
    {
        "id": "vip",
        "name": "VIP high roller",
        "condition": {
            "all": [
                {"property": "session.deposit_amount", "op": "gte", "value": "500"},
                {
                    "any": [
                        {
                            "property": "customer.vip_level",
                            "op": "in",
                            "value": ["gold", "platinum"],
                        },
                        {"property": "customer.ltv", "op": "gte", "value": "5000"},
                    ]
                },
            ]
        },
        "rewards": [
            {
                "reward_type": "eur_bonus",
                "value": {"percent": "20", "of": "session.deposit_amount", "max": "200"},
            },
            {"reward_type": "free_spins", "value": {"fixed": "50"}},
        ],
    },
    {
        "id": "first",
        "name": "First deposit",
        "condition": {
            "all": [
                {"property": "session.first_deposit", "op": "eq", "value": True},
                {"property": "session.deposit_amount", "op": "gte", "value": "20"},
                {"not": {"property": "customer.country", "op": "in", "value": ["US"]}},
            ]
        },
        "rewards": [
            {
                "reward_type": "eur_bonus",
                "value": {
                    "percent": "100",
                    "of": "session.deposit_amount",
                    "min": "10",
                    "max": "100",
                },
            }
        ],
    },
    {
        "id": "regular",
        "name": "Every deposit",
        "condition": {"property": "session.deposit_amount", "op": "gte", "value": "10"},
        "rewards": [
            {
                "reward_type": "points",
                "value": {"per": "10", "of": "session.deposit_amount", "value": "1"},
            }
        ],
    },
]

WELCOME_CONSTRAINTS: dict[str, Any] = {
    "eur_bonus": {
        "min_value": "5",
        "max_value": "200",
        "per_customer": [{"window": "rolling_7d", "max_grants": 3, "max_value": "300"}],
        "grant_expires_after": "P30D",
    },
    "free_spins": {"per_customer": [{"window": "month", "max_value": "200"}]},
}

WELCOME_BUDGETS = PublishingBudgets.model_validate(
    {
        "audience_caps": [{"window": "day", "limit": 60}, {"window": "lifetime", "limit": 5000}],
        "reward_budgets": [
            {"reward_type": "eur_bonus", "window": "month", "limit": "4000", "on_exceed": "reject"},
            {
                "reward_type": "free_spins",
                "window": "lifetime",
                "limit": "4000",
                "on_exceed": "truncate",
            },
        ],
        "audience_selection": {"method": "attribute", "property": "ltv", "order": "desc"},
        "alert_thresholds": [0.8, 1.0],
    }
)

WEEKEND_TIERS: list[dict[str, Any]] = [
    {
        "id": "app_weekend",
        "name": "App players at the weekend",
        "condition": {
            "all": [
                {"property": "context.weekday", "op": "in", "value": [5, 6, 7]},
                {"property": "session.channel", "op": "in", "value": ["ios", "android"]},
            ]
        },
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": "20"}}],
    },
    {
        "id": "slots_fans",
        "name": "Slots fans",
        "condition": {
            "all": [
                {"property": "customer.tags", "op": "contains", "value": "slots"},
                {"property": "session.deposit_amount", "op": "between", "value": ["20", "200"]},
            ]
        },
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": "10"}}],
    },
]


def _customer(rng: random.Random, index: int) -> dict[str, Any]:
    level = rng.choices(VIP_LEVELS, weights=[50, 30, 15, 5])[0]
    ltv = Decimal(rng.randint(0, 1_200_000)) / 100 * (1 + VIP_LEVELS.index(level))
    birthday = datetime(1955, 1, 1) + timedelta(days=rng.randint(0, 365 * 48))
    return {
        "vip_level": level,
        "country": rng.choices(COUNTRIES, weights=[40, 12, 10, 12, 10, 8, 8])[0],
        "ltv": str(ltv.quantize(Decimal("0.01"))),
        "birthday": birthday.date().isoformat(),
        "tags": sorted(rng.sample(TAGS, rng.randint(0, 3))),
    }


def _session(rng: random.Random, first: bool) -> dict[str, Any]:
    amount = Decimal(rng.choice([10, 20, 25, 50, 50, 75, 100, 100, 150, 200, 300, 500, 750, 1000]))
    return {
        "deposit_amount": str(amount),
        "channel": rng.choices(CHANNELS, weights=[50, 30, 20])[0],
        "first_deposit": first,
    }


async def _refuse_existing(session: AsyncSession, name: str) -> None:
    for tenant in await tenant_service.list_all(session):
        if tenant.name == name:
            raise DemoExists(
                detail=f"a tenant named '{name}' exists already ({tenant.id}): the demo was "
                "seeded before; log in with the login printed then, or pass --tenant-name "
                "to seed another demo tenant",
                errors=[FieldError(("tenant_name",), "already used", "demo_exists")],
                conflicts=[ConflictRef("tenant", tenant.id, None, tenant.name)],
            )


async def seed_demo(
    session: AsyncSession,
    tenant_name: str = DEFAULT_TENANT_NAME,
    *,
    now: datetime | None = None,
    seed: int = 2026,
) -> DemoTenant:
    """Make the demo tenant in ``session``'s transaction (the caller commits)."""
    await _refuse_existing(session, tenant_name)
    now = now or utcnow()
    rng = random.Random(seed)
    created = await tenant_service.create(
        session, tenant_name, timezone="Europe/Berlin", default_currency="EUR"
    )
    principal = Principal.system(created.tenant.id)
    demo = DemoTenant(
        tenant_id=created.tenant.id,
        tenant_name=tenant_name,
        admin_email=created.admin_email,
        admin_password=created.admin_password,
        api_key=created.plain_key,
    )

    # Colleagues: an editor, a viewer and a former employee (deactivated).
    domain = created.admin_email.split("@", 1)[1]
    for name, role in (("marketing", "editor"), ("analyst", "viewer"), ("intern", "editor")):
        user, _password = await user_service.create(
            session, principal, f"{name}@{domain}", role, None
        )
        if name == "intern":
            await user_service.update(session, principal, user.id, active=False)

    for body in _reward_types():
        await reward_type_service.create(session, principal, body)
    for scope, properties in SCHEMAS.items():
        for key, definition in properties.items():
            await schema_service.put_property(
                session, principal, scope, key, PropertyDefinitionPut.model_validate(definition)
            )

    customer_ids = [f"cust-{i:04d}" for i in range(1, CUSTOMERS + 1)]
    for index, customer_id in enumerate(customer_ids):
        await customer_service.put(session, principal, customer_id, _customer(rng, index))
    demo.customers = len(customer_ids)

    async def promotion(name: str, code: str, description: str) -> str:
        made = await promotion_service.create(
            session, principal, PromotionCreate(name=name, code=code, description=description)
        )
        demo.promotions[name] = made.id
        return made.id

    welcome = await promotion(
        "Welcome deposit boost",
        "WELCOME-BOOST",
        "Bonus money on deposits: VIPs get 20 % plus spins, first deposits are matched.",
    )
    await promotion_service.set_properties(session, principal, welcome, {"region": "DACH"})
    await promotion_service.set_tiers(session, principal, welcome, WELCOME_TIERS)
    await promotion_service.set_reward_constraints(session, principal, welcome, WELCOME_CONSTRAINTS)
    await promotion_service.set_budgets(session, principal, welcome, WELCOME_BUDGETS)
    await promotion_service.activate(session, principal, welcome)

    weekend = await promotion(
        "Weekend free spins", "WEEKEND-SPINS", "Free spins for app players from Friday."
    )
    await promotion_service.set_properties(session, principal, weekend, {"region": "EU"})
    await promotion_service.set_tiers(session, principal, weekend, WEEKEND_TIERS)
    await promotion_service.set_reward_constraints(
        session,
        principal,
        weekend,
        {"free_spins": {"per_customer": [{"window": "week", "max_grants": 2}]}},
    )
    await promotion_service.set_budgets(
        session,
        principal,
        weekend,
        PublishingBudgets.model_validate(
            {
                "audience_caps": [{"window": "week", "limit": 120}],
                "reward_budgets": [
                    {"reward_type": "free_spins", "window": "month", "limit": "6000"}
                ],
                "alert_thresholds": [0.5, 0.9],
            }
        ),
    )
    await promotion_service.activate(session, principal, weekend)

    draft = await promotion(
        "Christmas calendar", "XMAS-2026", "A door a day in December (being prepared)."
    )
    # The draft is what the builder screenshots show: the flagship's tiers, limits and
    # budgets, still editable.
    await promotion_service.set_properties(session, principal, draft, {"region": "DACH"})
    await promotion_service.set_tiers(session, principal, draft, WELCOME_TIERS)
    await promotion_service.set_reward_constraints(session, principal, draft, WELCOME_CONSTRAINTS)
    await promotion_service.set_budgets(session, principal, draft, WELCOME_BUDGETS)
    summer = await promotion(
        "Summer cashback", "SUMMER-CASHBACK", "10 % back on deposits, paused after the summer."
    )
    await promotion_service.set_tiers(
        session,
        principal,
        summer,
        [
            {
                "id": "cashback",
                "name": "Cashback",
                "condition": {"property": "session.deposit_amount", "op": "gte", "value": "50"},
                "rewards": [
                    {
                        "reward_type": "eur_bonus",
                        "value": {"percent": "10", "of": "session.deposit_amount", "max": "50"},
                    }
                ],
            }
        ],
    )
    await promotion_service.activate(session, principal, summer)
    await promotion_service.deactivate(session, principal, summer)
    spring = await promotion("Spring reload 2026", "SPRING-2026", "Ended in May.")
    await promotion_service.set_tiers(
        session,
        principal,
        spring,
        [
            {
                "id": "reload",
                "name": "Reload",
                "condition": {"property": "session.deposit_amount", "op": "gte", "value": "20"},
                "rewards": [{"reward_type": "points", "value": {"fixed": "100"}}],
            }
        ],
    )
    await promotion_service.archive(session, principal, spring)

    campaign = await campaign_service.create(
        session,
        principal,
        CampaignCreate(
            name="December newsletter",
            external_id="NL-2026-12",
            channel="email",
            starts_at=now - timedelta(days=DAYS),
            ends_at=now + timedelta(days=30),
        ),
    )
    demo.campaign_id = campaign.id

    async def promocode(body: dict[str, Any]) -> str:
        made = await promocode_service.create(
            session, principal, PromocodeCreate.model_validate(body)
        )
        demo.promocodes[made.name] = made.id
        return made.id

    await promocode(
        {
            "name": "Welcome code",
            "type": "shared",
            "value": "WELCOME",
            "promotion_id": welcome,
            "max_redemptions": 10_000,
        }
    )
    await promocode(
        {"name": "Gold club invitation", "type": "single_use", "value": "GOLD-CLUB-7K2Q"}
    )
    await promocode(
        {
            "name": "Weekend app code",
            "type": "shared",
            "value": "APPWEEKEND",
            "promotion_id": weekend,
        }
    )
    pool = await promocode(
        {
            "name": "Newsletter pool",
            "type": "bulk",
            "promotion_id": welcome,
            "fallback_value": "NEWSLETTER",
        }
    )
    await promocode_service.generate_values(
        session, principal, pool, GenerateRequest(count=BULK_VALUES, pattern="NL-????-####")
    )
    await promocode_service.link_campaign(session, principal, pool, campaign.id)

    # Grants over the last DAYS days, oldest first, each day's batch at that day's time.
    seen: set[str] = set()
    for days_ago in range(DAYS, -1, -1):
        moment = (now - timedelta(days=days_ago)).replace(
            hour=rng.randint(9, 21), minute=rng.randint(0, 59), second=0, microsecond=0
        )
        if moment > now:
            moment = now - timedelta(minutes=5)
        # Busier towards today, so the charts show a trend.
        count = rng.randint(6, 12) + (DAYS - days_ago) // 3
        chosen = rng.sample(customer_ids, count)
        contexts = []
        for customer_id in chosen:
            contexts.append(
                ValidationContext(
                    customer_id=customer_id,
                    session=_session(rng, customer_id not in seen),
                    reference=f"demo-{days_ago}-{customer_id}",
                )
            )
            seen.add(customer_id)
        for target, batch in (
            (Target(promotion_id=welcome), contexts[: len(contexts) * 2 // 3]),
            (Target(promotion_id=weekend), contexts[len(contexts) * 2 // 3 :]),
        ):
            if not batch:
                continue
            response = await validation_service.validate(
                session,
                principal,
                target,
                ValidateRequest(contexts=batch, commit=True),
                seed=f"demo-{seed}-{days_ago}-{target.promotion_id}".encode(),
                now=moment.astimezone(UTC),
            )
            demo.grants += sum(len(r["grant_ids"]) for r in response["results"])
        # A few newsletter readers redeem their pool values through the campaign.
        readers = rng.sample(customer_ids, 2)
        response = await validation_service.validate(
            session,
            principal,
            Target(promocode_id=pool),
            ValidateRequest(
                contexts=[
                    ValidationContext(
                        customer_id=c,
                        session=_session(rng, False),
                        reference=f"demo-nl-{days_ago}-{c}",
                    )
                    for c in readers
                ],
                campaign_id=campaign.id,
                commit=True,
            ),
            seed=f"demo-{seed}-{days_ago}-pool".encode(),
            now=(moment + timedelta(minutes=30)).astimezone(UTC),
        )
        demo.grants += sum(len(r["grant_ids"]) for r in response["results"])
    return demo
