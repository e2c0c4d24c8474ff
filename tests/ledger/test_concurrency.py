"""Budgets are exact under concurrency: many real connections at once, then exact totals.

On PostgreSQL every test runs at least 32 transactions on 32+ connections at the same time; on
SQLite (writers serialised by ``BEGIN IMMEDIATE``) the same tests run with fewer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.models import AudienceMember, Grant, UsageCounter
from openpromo.models.promocode_value import PromocodeValue
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, validation_service
from tests.conftest import TenantFixture, is_postgres, make_client
from tests.validation.factory import ctx, setup_world
from tests.validation.shape import check_validation_response

N = 40 if is_postgres() else 12


@pytest.fixture
async def wide_database(database: Database) -> AsyncIterator[Database]:
    """The test database with a pool big enough for N simultaneous transactions."""
    if not database.is_sqlite:
        wide = Database.__new__(Database)
        wide.url = database.url
        wide.is_sqlite = False
        wide.engine = create_async_engine(database.url, pool_size=N + 4, max_overflow=0)
        wide.read_engine = wide.engine
        wide.sessionmaker = async_sessionmaker(wide.engine, expire_on_commit=False)
        wide.read_sessionmaker = wide.sessionmaker
        yield wide
        await wide.engine.dispose()
    else:
        yield database


async def commit_one(
    db: Database, tenant_id: str, target: Target, context: dict[str, Any]
) -> dict[str, Any]:
    body = ValidateRequest.model_validate({"contexts": [context], "commit": True})
    async with db.unit_of_work() as session:
        out = await validation_service.validate(
            session, Principal.cli(tenant_id), target, body, seed=b"seed"
        )
    check_validation_response(out)
    return dict(out["results"][0])


async def race(calls: list[Any]) -> list[Any]:
    results = await asyncio.gather(*calls, return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    return results


async def live_sum(db: Database, promotion_id: str, reward_type: str) -> int:
    async with db.unit_of_work(write=False) as session:
        value = await session.scalar(
            select(func.coalesce(func.sum(Grant.value_minor), 0)).where(
                Grant.promotion_id == promotion_id,
                Grant.status == "granted",
                Grant.reward_type == reward_type,
            )
        )
        return int(value or 0)


async def counter(db: Database, tenant_id: str, key: str) -> int:
    async with db.unit_of_work(write=False) as session:
        value = await session.scalar(
            select(func.sum(UsageCounter.used)).where(
                UsageCounter.tenant_id == tenant_id, UsageCounter.key == key
            )
        )
        return int(value or 0)


async def test_racing_for_the_last_places_of_an_audience_cap(
    wide_database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        wide_database, tenant.id, budgets={"audience_caps": [{"window": "lifetime", "limit": 7}]}
    )
    target = Target(promotion_id=world.promotion_id)
    results = await race(
        [commit_one(wide_database, tenant.id, target, ctx(f"c{i}")) for i in range(N)]
    )
    assert sum(r["eligible"] for r in results) == 7
    assert all(
        [x["code"] for x in r["reasons"]] == ["audience_cap_reached"]
        for r in results
        if not r["eligible"]
    )
    assert await counter(wide_database, tenant.id, f"{world.promotion_id}:cap:lifetime") == 7
    async with wide_database.unit_of_work(write=False) as session:
        members = await session.scalar(
            select(func.count()).where(AudienceMember.tenant_id == tenant.id)
        )
    assert members == 7


async def test_racing_for_the_last_euros_of_a_reward_budget(
    wide_database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        wide_database,
        tenant.id,
        budgets={
            "reward_budgets": [
                {"reward_type": "eur", "window": "day", "limit": "100", "on_exceed": "truncate"},
                {"reward_type": "spins", "window": "lifetime", "limit": "150"},
            ]
        },
    )
    target = Target(promotion_id=world.promotion_id)
    await race(
        [commit_one(wide_database, tenant.id, target, ctx(f"c{i}", "150")) for i in range(N)]
    )
    assert await live_sum(wide_database, world.promotion_id, "eur") == 10_000
    assert await live_sum(wide_database, world.promotion_id, "spins") == 140  # 7 x 20
    assert await counter(wide_database, tenant.id, f"{world.promotion_id}:budget:eur:day") == 10_000


async def test_grants_racing_reversals_keep_counters_equal_to_live_grants(
    wide_database: Database, tenant: TenantFixture
) -> None:
    from openpromo.ledger.service import grant_service

    world = await setup_world(
        wide_database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "day", "limit": 1000}],
            "reward_budgets": [{"reward_type": "eur", "window": "month", "limit": "100000"}],
        },
    )
    target = Target(promotion_id=world.promotion_id)
    first = await race(
        [commit_one(wide_database, tenant.id, target, ctx(f"a{i}", "100")) for i in range(N // 2)]
    )
    grant_ids = [g for r in first for g in r["grant_ids"]]

    async def reverse(grant_id: str) -> None:
        async with wide_database.unit_of_work() as session:
            await grant_service.reverse(session, Principal.cli(tenant.id), grant_id)

    calls: list[Any] = [reverse(g) for g in grant_ids[::2]]  # every customer's spins grant
    calls += [reverse(g) for g in grant_ids[::4]]  # reversed twice, concurrently
    calls += [
        commit_one(wide_database, tenant.id, target, ctx(f"b{i}", "100")) for i in range(N // 2)
    ]
    await race(calls)
    eur = await live_sum(wide_database, world.promotion_id, "eur")
    assert eur == (N // 2 + N // 2) * 1000
    assert await counter(wide_database, tenant.id, f"{world.promotion_id}:budget:eur:month") == eur
    async with wide_database.unit_of_work(write=False) as session:
        live_customers = await session.scalar(
            select(func.count(func.distinct(Grant.customer_id))).where(
                Grant.promotion_id == world.promotion_id, Grant.status == "granted"
            )
        )
    assert (
        await counter(wide_database, tenant.id, f"{world.promotion_id}:cap:day") == live_customers
    )
    # reversing the remaining grant of each "a" customer frees its audience place
    await race([reverse(g) for g in grant_ids[1::2]])
    assert await counter(wide_database, tenant.id, f"{world.promotion_id}:cap:day") == N // 2
    assert await live_sum(wide_database, world.promotion_id, "eur") == (N // 2) * 1000


async def test_bulk_allocation_racing_never_allocates_a_value_twice(
    wide_database: Database, tenant: TenantFixture
) -> None:
    pool = [f"V-{i:03d}" for i in range(N // 2)]
    world = await setup_world(wide_database, tenant.id, promocode={"type": "bulk"}, values=pool)
    target = Target(promocode_id=world.promocode_id)
    results = await race(
        [commit_one(wide_database, tenant.id, target, ctx(f"c{i}")) for i in range(N)]
    )
    codes = [r["code"] for r in results if r["eligible"]]
    assert sorted(codes) == pool
    assert sum(not r["eligible"] for r in results) == N - len(pool)
    async with wide_database.unit_of_work(write=False) as session:
        rows = (
            await session.execute(
                select(PromocodeValue.customer_id).where(
                    PromocodeValue.promocode_id == world.promocode_id
                )
            )
        ).all()
    assert len({r[0] for r in rows}) == len(pool)


async def test_same_reference_sent_concurrently_grants_once(
    wide_database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(wide_database, tenant.id)
    target = Target(promotion_id=world.promotion_id)
    results = await race(
        [
            commit_one(wide_database, tenant.id, target, ctx("c1", "100", reference="ref-1"))
            for _ in range(N)
        ]
    )
    ids = {tuple(r["grant_ids"]) for r in results}
    assert len(ids) == 1 and len(next(iter(ids))) == 2
    async with wide_database.unit_of_work(write=False) as session:
        count = await session.scalar(
            select(func.count()).where(Grant.promotion_id == world.promotion_id)
        )
    assert count == 2


async def test_http_commits_race_for_a_cap(
    app: Any, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database, tenant.id, budgets={"audience_caps": [{"window": "week", "limit": 5}]}
    )
    n = 32 if is_postgres() else 10
    async with make_client(app, tenant.admin_key) as client:

        async def one(i: int) -> httpx.Response:
            return await client.post(
                f"/v1/promotions/{world.promotion_id}/validate-customers",
                json={"contexts": [ctx(f"h{i}")], "commit": True},
            )

        responses = await asyncio.gather(*(one(i) for i in range(n)))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses][:2]
    assert sum(r.json()["results"][0]["eligible"] for r in responses) == 5
