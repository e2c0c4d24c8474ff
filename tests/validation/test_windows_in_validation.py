"""Limits over windows, driven with an explicit clock through the service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.ledger.service import grant_service
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, validation_service
from tests.conftest import TenantFixture
from tests.validation.factory import ctx, setup_world
from tests.validation.shape import check_validation_response


async def run(
    database: Database,
    tenant_id: str,
    promotion_id: str,
    contexts: list[dict[str, Any]],
    now: datetime,
    commit: bool = True,
) -> list[dict[str, Any]]:
    body = ValidateRequest.model_validate({"contexts": contexts, "commit": commit})
    async with database.unit_of_work(write=commit) as session:
        out = await validation_service.validate(
            session,
            Principal.cli(tenant_id),
            Target(promotion_id=promotion_id),
            body,
            seed=b"s",
            now=now,
        )
    check_validation_response(out)
    return list(out["results"])


async def test_daily_cap_resets_at_midnight_in_the_tenant_timezone(
    database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        timezone="Europe/Paris",
        budgets={"audience_caps": [{"window": "day", "limit": 1}]},
    )
    before_midnight = datetime(2026, 6, 10, 21, 59, 59, tzinfo=UTC)  # 23:59:59 in Paris
    at_midnight = datetime(2026, 6, 10, 22, 0, tzinfo=UTC)
    pid = world.promotion_id
    assert (await run(database, tenant.id, pid, [ctx("a")], before_midnight))[0]["eligible"]
    late = await run(database, tenant.id, pid, [ctx("b")], before_midnight)
    assert late[0]["reasons"][0]["code"] == "audience_cap_reached"
    assert (await run(database, tenant.id, pid, [ctx("b")], at_midnight))[0]["eligible"]
    again = await run(database, tenant.id, pid, [ctx("c")], at_midnight + timedelta(hours=23))
    assert again[0]["reasons"][0]["code"] == "audience_cap_reached"


async def test_week_start_sunday_and_per_customer_grants_per_week(
    database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        timezone="America/New_York",
        constraints={"spins": {"per_customer": [{"window": "week", "max_grants": 1}]}},
    )
    async with database.unit_of_work() as session:
        from openpromo.models import Tenant

        row = await session.get(Tenant, tenant.id)
        assert row is not None
        row.week_start = "sunday"
    pid = world.promotion_id
    saturday = datetime(2026, 11, 29, 4, 59, tzinfo=UTC)  # Sat 23:59 in New York
    sunday = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)  # Sun 00:00 in New York
    assert (await run(database, tenant.id, pid, [ctx("a", "20")], saturday))[0]["eligible"]
    second = await run(database, tenant.id, pid, [ctx("a", "20")], saturday)
    assert second[0]["reasons"][0]["code"] == "customer_limit_reached"
    assert (await run(database, tenant.id, pid, [ctx("a", "20")], sunday))[0]["eligible"]


async def test_rolling_24h_budget_and_per_customer_value(
    database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "reward_budgets": [{"reward_type": "spins", "window": "rolling_24h", "limit": "10"}]
        },
        constraints={"spins": {"per_customer": [{"window": "rolling_7d", "max_value": "7"}]}},
    )
    pid = world.promotion_id
    t0 = datetime.now(UTC) - timedelta(days=3)
    first = await run(database, tenant.id, pid, [ctx("a", "20"), ctx("b", "20")], t0)
    assert [r["rewards"] for r in first] == [[{"reward_type": "spins", "value": "5"}]] * 2
    blocked = await run(database, tenant.id, pid, [ctx("c", "20")], t0 + timedelta(hours=23))
    assert blocked[0]["reasons"][0]["code"] == "budget_exhausted"
    # 24 h later the budget has rolled over; a's 7-day maximum leaves 2 spins.
    later = await run(
        database, tenant.id, pid, [ctx("a", "20")], t0 + timedelta(hours=24, seconds=1)
    )
    assert later[0]["rewards"] == [{"reward_type": "spins", "value": "2"}]
    dry = await run(
        database, tenant.id, pid, [ctx("a", "20")], t0 + timedelta(hours=25), commit=False
    )
    assert dry[0]["reasons"][0]["code"] == "customer_limit_reached"
    async with database.unit_of_work(write=False) as session:
        stats = await grant_service.stats(session, Principal.cli(tenant.id), pid)
    assert [(d.date, d.grants_count, d.rewards_total) for d in stats.daily] == [
        (t0.date(), 2, {"spins": "10"}),
        ((t0 + timedelta(hours=24, seconds=1)).date(), 1, {"spins": "2"}),
    ]
    assert stats.reward_budgets[0].used == "0"  # the last grant is 2 days old
