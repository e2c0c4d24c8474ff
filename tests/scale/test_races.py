"""Exact limits across processes (issue 15): ``openpromo serve --workers 4`` for real, on
PostgreSQL, 64 concurrent HTTP clients (each its own connection, spread by the kernel over the
four worker processes).

* 2,000 commits against an audience cap of 100 and a truncating EUR budget: exactly 100
  customers granted, exactly the budget in euros (the last grant truncated), the counters equal
  to the ledger.
* Single-use codes, each raced by 32 customers: each granted once.
* A bulk pool of 200 values and 400 customers: 200 values handed out, each to one customer;
  the other 200 answered ``pool_exhausted``.

One server serves the three tests (starting four workers takes 20–40 s on a busy 2-core
machine); each test has its own tenant.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from openpromo.db import Database
from openpromo.models import AudienceMember, Grant, UsageCounter
from tests.conftest import TenantFixture, make_tenant
from tests.scale.harness import Server, cpu_seconds, hammer, server, worker_pids
from tests.validation.factory import ctx, setup_world

WORKERS = 4
CLIENTS = 64
POOL = 200


@pytest.fixture(scope="module")
def four_workers(scale_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("races") / "serve.log"
    with server(scale_database, log, workers=WORKERS) as running:
        assert len(worker_pids(running.pid)) == WORKERS
        yield running


async def _tenant(url: str) -> tuple[Database, TenantFixture]:
    db = Database(url)
    return db, await make_tenant(db)


def _spread(running: Server, before: dict[int, float]) -> dict[int, float]:
    """CPU seconds each worker spent since ``before``."""
    return {pid: cpu_seconds(pid) - before.get(pid, 0.0) for pid in worker_pids(running.pid)}


def _served_by_several(running: Server, before: dict[int, float]) -> None:
    spent = _spread(running, before)
    busy = [pid for pid, seconds in spent.items() if seconds >= 0.2]
    assert len(busy) >= 2, f"the load did not reach several processes: {spent}"


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 200, response.text
    out: dict[str, Any] = response.json()
    return out


async def test_cap_and_truncating_budget_exact_across_processes(
    scale_database: str, four_workers: Server
) -> None:
    db, tenant = await _tenant(scale_database)
    world = await setup_world(
        db,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "lifetime", "limit": 100}],
            # 15.00 EUR a grant: 82 whole grants, then one truncated to 4.56, then none.
            "reward_budgets": [
                {
                    "reward_type": "eur",
                    "window": "lifetime",
                    "limit": "1234.56",
                    "on_exceed": "truncate",
                }
            ],
        },
    )
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    before = {pid: cpu_seconds(pid) for pid in worker_pids(four_workers.pid)}

    async def commit(client: httpx.AsyncClient, customer: str) -> dict[str, Any]:
        out = await _post(client, path, {"contexts": [ctx(customer, "150")], "commit": True})
        result: dict[str, Any] = out["results"][0]
        return result

    customers = [f"c{i:04d}" for i in range(2000)]
    results = await hammer(four_workers.url, tenant.admin_key, customers, commit, clients=CLIENTS)
    _served_by_several(four_workers, before)

    granted = [r for r in results if r["eligible"]]
    assert len(granted) == 100
    assert {tuple(x["code"] for x in r["reasons"]) for r in results if not r["eligible"]} == {
        ("audience_cap_reached",)
    }
    eur = [x["value"] for r in granted for x in r["rewards"] if x["reward_type"] == "eur"]
    assert sorted(Counter(eur).items()) == [("15.00", 82), ("4.56", 1)]
    async with db.unit_of_work(write=False) as session:
        ledger = dict(
            (
                await session.execute(
                    select(Grant.reward_type, func.sum(Grant.value_minor))
                    .where(Grant.tenant_id == tenant.id, Grant.status == "granted")
                    .group_by(Grant.reward_type)
                )
            ).all()
        )
        grantees = await session.scalar(
            select(func.count(Grant.customer_id.distinct())).where(Grant.tenant_id == tenant.id)
        )
        members = await session.scalar(
            select(func.count()).where(AudienceMember.tenant_id == tenant.id)
        )
        counters = dict(
            (
                await session.execute(
                    select(UsageCounter.key, func.sum(UsageCounter.used))
                    .where(UsageCounter.tenant_id == tenant.id)
                    .group_by(UsageCounter.key)
                )
            ).all()
        )
        # Counter slices (docs/hot-promotions.md): the slices' limits add up to each limit.
        limits = dict(
            (
                await session.execute(
                    select(UsageCounter.key, func.sum(UsageCounter.limit_value))
                    .where(UsageCounter.tenant_id == tenant.id)
                    .group_by(UsageCounter.key)
                )
            ).all()
        )
    await db.dispose()
    assert ledger == {"eur": 123_456, "spins": 100 * 20}
    assert grantees == members == 100
    assert counters[f"{world.promotion_id}:cap:lifetime"] == 100
    assert counters[f"{world.promotion_id}:budget:eur:lifetime"] == 123_456
    assert limits[f"{world.promotion_id}:cap:lifetime"] == 100
    assert limits[f"{world.promotion_id}:budget:eur:lifetime"] == 123_456


async def test_single_use_and_bulk_codes_never_handed_out_twice(
    scale_database: str, four_workers: Server
) -> None:
    db, tenant = await _tenant(scale_database)
    world = await setup_world(db, tenant.id)
    async with httpx.AsyncClient(
        base_url=four_workers.url,
        headers={"Authorization": f"Bearer {tenant.admin_key}"},
        timeout=60,
    ) as admin:
        singles = [f"SU-{i:02d}" for i in range(12)]
        for value in singles:
            made = await admin.post(
                "/v1/promocodes",
                json={
                    "name": value,
                    "type": "single_use",
                    "value": value,
                    "promotion_id": world.promotion_id,
                },
            )
            assert made.status_code == 201, made.text
        bulk = await admin.post(
            "/v1/promocodes",
            json={"name": "Pool", "type": "bulk", "promotion_id": world.promotion_id},
        )
        assert bulk.status_code == 201, bulk.text
        bulk_id = bulk.json()["id"]
        pool = [f"B-{i:03d}" for i in range(POOL)]
        upload = await admin.post(
            f"/v1/promocodes/{bulk_id}/values",
            content="\n".join(pool).encode(),
            headers={"content-type": "text/plain"},
        )
        assert upload.status_code == 200, upload.text
        assert upload.json()["inserted"] == POOL

    # 32 customers race for each single-use value, in a shuffled order.
    attempts = [(value, f"s{n}-{value}") for value in singles for n in range(32)]
    random.Random(15).shuffle(attempts)
    before = {pid: cpu_seconds(pid) for pid in worker_pids(four_workers.pid)}

    async def redeem(client: httpx.AsyncClient, job: tuple[str, str]) -> tuple[str, bool]:
        value, customer = job
        out = await _post(
            client, "/v1/validate", {"code": value, "contexts": [ctx(customer)], "commit": True}
        )
        return value, bool(out["results"][0]["eligible"])

    redeemed = await hammer(four_workers.url, tenant.admin_key, attempts, redeem, clients=CLIENTS)
    wins = Counter(value for value, eligible in redeemed if eligible)
    assert wins == dict.fromkeys(singles, 1)

    async def allocate(client: httpx.AsyncClient, customer: str) -> dict[str, Any]:
        out = await _post(
            client,
            f"/v1/promocodes/{bulk_id}/validate-customers",
            {"contexts": [ctx(customer)], "commit": True},
        )
        result: dict[str, Any] = out["results"][0]
        return result

    customers = [f"b{i:03d}" for i in range(2 * POOL)]
    allocated = await hammer(four_workers.url, tenant.admin_key, customers, allocate)
    _served_by_several(four_workers, before)
    codes = [r["code"] for r in allocated if r["eligible"]]
    assert len(codes) == POOL
    assert sorted(codes) == pool  # every value once, no value twice
    assert {tuple(x["code"] for x in r["reasons"]) for r in allocated if not r["eligible"]} == {
        ("pool_exhausted",)
    }

    async with db.unit_of_work(write=False) as session:
        rows = (
            await session.execute(
                select(Grant.code, func.count(Grant.customer_id.distinct()))
                .where(Grant.tenant_id == tenant.id, Grant.status == "granted")
                .group_by(Grant.code)
            )
        ).all()
    await db.dispose()
    per_code = dict(rows)
    assert per_code == dict.fromkeys([*singles, *pool], 1)
