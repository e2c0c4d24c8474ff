"""The one-statement write of a small PostgreSQL commit (``GrantRepository.write_all``):
nothing is written when any counter would go over its limit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from openpromo.db import Database
from openpromo.kit.ids import new_id
from openpromo.ledger.repository import CounterOverrun, GrantRepository
from openpromo.models import AudienceMember, Grant, UsageCounter
from tests.conftest import TenantFixture, is_postgres
from tests.validation.factory import setup_world

pytestmark = pytest.mark.skipif(not is_postgres(), reason="PostgreSQL-only statement")

START = datetime(2026, 1, 1, tzinfo=UTC)


def _grant(tenant_id: str, promotion_id: str, customer: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "id": new_id(),
        "tenant_id": tenant_id,
        "customer_id": customer,
        "promotion_id": promotion_id,
        "promotion_version": 1,
        "promocode_id": None,
        "code": None,
        "campaign_id": None,
        "tier_id": "high",
        "reward_type": "spins",
        "value_minor": 5,
        "status": "granted",
        "reference": None,
        "group_id": new_id(),
        "consumed": [],
        "expires_at": None,
        "created_at": now,
    }


async def _counts(database: Database, tenant_id: str) -> tuple[int, int, dict[str, int]]:
    async with database.unit_of_work() as session:
        grants = await session.scalar(
            select(func.count()).select_from(Grant).where(Grant.tenant_id == tenant_id)
        )
        members = await session.scalar(
            select(func.count())
            .select_from(AudienceMember)
            .where(AudienceMember.tenant_id == tenant_id)
        )
        used = dict(
            (
                await session.execute(
                    select(UsageCounter.key, UsageCounter.used).where(
                        UsageCounter.tenant_id == tenant_id
                    )
                )
            ).all()
        )
    return int(grants or 0), int(members or 0), used


async def test_write_all_applies_everything_or_nothing(
    database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    pid = world.promotion_id
    async with database.unit_of_work() as session:
        await GrantRepository(session, tenant.id).ensure_counters(
            {(f"{pid}:cap:day", START): 2, (f"{pid}:budget:spins:day", START): 10}
        )
    async with database.unit_of_work() as session:
        await GrantRepository(session, tenant.id).write_all(
            {(f"{pid}:cap:day", START, 0): (1, 2), (f"{pid}:budget:spins:day", START, 0): (5, 10)},
            [_grant(tenant.id, pid, "a")],
            [(f"{pid}:cap:day", START, "a")],
        )
    assert await _counts(database, tenant.id) == (
        1,
        1,
        {f"{pid}:cap:day": 1, f"{pid}:budget:spins:day": 5},
    )
    with pytest.raises(CounterOverrun):
        async with database.unit_of_work() as session:
            await GrantRepository(session, tenant.id).write_all(
                {
                    (f"{pid}:cap:day", START, 0): (1, 2),
                    (f"{pid}:budget:spins:day", START, 0): (6, 10),  # 5 + 6 > 10
                },
                [_grant(tenant.id, pid, "b")],
                [(f"{pid}:cap:day", START, "b")],
            )
    assert await _counts(database, tenant.id) == (
        1,
        1,
        {f"{pid}:cap:day": 1, f"{pid}:budget:spins:day": 5},
    )


async def test_grant_rows_survive_the_json_path_exactly(
    database: Database, tenant: TenantFixture
) -> None:
    """Grant rows travel to PostgreSQL as one JSON document: text with quotes, backslashes
    and non-ASCII, big values, microsecond timestamps and nested ``consumed`` come back as
    they were; grants of one write must share their promotion-wide columns."""
    world = await setup_world(database, tenant.id)
    pid = world.promotion_id
    odd = 'c"quote\\back\u00e9\U0001f600 ,;\n'
    expires = datetime(2027, 3, 1, 12, 30, 45, 123456, tzinfo=UTC)
    created = datetime.now(UTC)
    rows = []
    for i in range(60):  # over 50: insert_grants takes the set-based path
        row = _grant(tenant.id, pid, f"{odd}{i}")
        row.update(
            value_minor=2**62 + i,
            created_at=created,
            reference=f"r{i}",
            expires_at=expires,
            consumed=[{"key": "k", "window_start": START.isoformat(), "amount": i}],
        )
        rows.append(row)
    async with database.unit_of_work() as session:
        await GrantRepository(session, tenant.id).insert_grants(rows)
    async with database.unit_of_work() as session:
        stored = {
            g.id: g
            for g in (
                await session.scalars(select(Grant).where(Grant.tenant_id == tenant.id))
            ).all()
        }
    assert len(stored) == 60
    for row in rows:
        grant = stored[row["id"]]
        assert grant.customer_id == row["customer_id"]
        assert grant.value_minor == row["value_minor"]
        assert grant.expires_at == expires
        assert grant.created_at == row["created_at"]
        assert grant.consumed == row["consumed"]
        assert (grant.reference, grant.group_id, grant.tier_id) == (
            row["reference"],
            row["group_id"],
            "high",
        )
    mixed = [{**_grant(tenant.id, pid, "x"), "created_at": created} for _ in range(60)]
    mixed[-1]["promotion_version"] = 2
    with pytest.raises(ValueError, match="must share"):
        async with database.unit_of_work() as session:
            await GrantRepository(session, tenant.id).insert_grants(mixed)
