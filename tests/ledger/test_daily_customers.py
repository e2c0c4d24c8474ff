"""The stats' per-day customer counts: distinct customers granted that day and customers
whose first live grant in the promotion was that day (reversed grants count nowhere)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.ledger.service import grant_service
from tests.conftest import TenantFixture
from tests.validation.factory import ctx, setup_world
from tests.validation.test_windows_in_validation import run


async def test_customers_and_new_customers_per_day_in_the_tenant_timezone(
    database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id, timezone="Europe/Berlin")
    pid = world.promotion_id
    # Three local days; 23:30 UTC is already the next day in Berlin.
    day1 = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=5)
    day2 = day1 + timedelta(days=1)
    late_day2 = day2.replace(hour=23, minute=30) - timedelta(days=1)  # day2 in Berlin
    day3 = day1 + timedelta(days=2)
    # day1: a twice (two requests), b; day2: a again, c, d; day3: d (reversed later), e.
    await run(database, tenant.id, pid, [ctx("a"), ctx("b")], day1)
    await run(database, tenant.id, pid, [ctx("a")], day1 + timedelta(minutes=5))
    await run(database, tenant.id, pid, [ctx("a"), ctx("c")], day2)
    await run(database, tenant.id, pid, [ctx("d", "20")], late_day2)
    e_and_d = await run(database, tenant.id, pid, [ctx("e", "20"), ctx("d", "20")], day3)
    principal = Principal.cli(tenant.id)
    async with database.unit_of_work() as session:
        for grant_id in e_and_d[1]["grant_ids"]:
            await grant_service.reverse(session, principal, grant_id)
        # f's only grant is reversed: f is no customer at all.
    f = await run(database, tenant.id, pid, [ctx("f", "20")], day3)
    async with database.unit_of_work() as session:
        await grant_service.reverse(session, principal, f[0]["grant_ids"][0])
    async with database.unit_of_work(write=False) as session:
        stats = await grant_service.stats(session, principal, pid)

    berlin = [d.astimezone(ZoneInfo("Europe/Berlin")).date() for d in (day1, day2, day3)]
    assert [
        (d.date, d.grants_count, d.customers_count, d.new_customers_count) for d in stats.daily
    ] == [
        # a's "high" tier grants two rewards per request: 2 + 2 + 2 (a twice, b).
        (berlin[0], 6, 2, 2),
        (berlin[1], 5, 3, 2),  # a (not new), c (new, 2 grants), d (new, 1 grant)
        (berlin[2], 1, 1, 1),  # e; d's and f's grants are reversed
    ]
    assert stats.customers_count == 5  # a b c d e
    assert sum(d.new_customers_count for d in stats.daily) == stats.customers_count
