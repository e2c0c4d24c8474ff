from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from openpromo.db import Database
from openpromo.kit.clock import utcnow
from openpromo.models import CustomerSyncConfig, CustomerSyncRun
from openpromo.sync import runner
from openpromo.sync.scheduler import start_background_scheduler, tick
from openpromo.sync.service import sync_service
from tests.conftest import TenantFixture
from tests.customer.helpers import put_customer_schema


@pytest.fixture
async def scheduled(client: httpx.AsyncClient, tmp_path: Path) -> Path:
    await put_customer_schema(client)
    await client.patch("/v1/tenant", json={"timezone": "America/New_York"})
    path = tmp_path / "nightly.csv"
    path.write_text("customer_id,deposits\nn1,11\n")
    response = await client.put(
        "/v1/customer-sync",
        json={
            "enabled": True,
            "source": {"kind": "file", "path": str(path), "format": "csv"},
            "schedule": {"time": "04:15"},
        },
    )
    assert response.status_code == 200, response.text
    return path


async def make_due(database: Database, tenant_id: str) -> None:
    async with database.unit_of_work() as session:
        await session.execute(
            update(CustomerSyncConfig)
            .where(CustomerSyncConfig.tenant_id == tenant_id)
            .values(next_run_at=utcnow() - timedelta(minutes=1))
        )


async def runs(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.get("/v1/customer-sync/runs")).json()["items"]
    return items


async def test_due_schedule_runs_once_even_with_concurrent_workers(
    client: httpx.AsyncClient, tenant: TenantFixture, database: Database, scheduled: Path
) -> None:
    assert await runs(client) == []
    await make_due(database, tenant.id)
    reports = await asyncio.gather(tick(database), tick(database), tick(database))
    scheduled_ids = [run_id for r in reports for run_id in r.scheduled]
    assert len(scheduled_ids) == 1
    await runner.wait_for_background_runs()
    history = await runs(client)
    assert [(r["trigger"], r["status"]) for r in history] == [("schedule", "succeeded")]
    assert history[0]["id"] == scheduled_ids[0]
    assert (await client.get("/v1/customers/n1")).json()["properties"] == {"deposits": 11}
    config = (await client.get("/v1/customer-sync")).json()
    # The next slot is tomorrow's (or today's) 04:15 New York time, in the future.
    assert config["next_run_at"] > utcnow().isoformat()[:19]
    assert config["next_run_at"][11:16] in ("08:15", "09:15")
    # Nothing more is due.
    again = await tick(database)
    assert again.scheduled == []


async def test_due_schedule_is_skipped_while_a_run_is_active(
    client: httpx.AsyncClient, tenant: TenantFixture, database: Database, scheduled: Path
) -> None:
    async with database.unit_of_work() as session:
        manual = await sync_service.trigger_run(session, tenant.principal, "manual")
        # Pretend a process is executing it: mark it running and hold the lease.
        await session.execute(
            update(CustomerSyncRun).where(CustomerSyncRun.id == manual.id).values(status="running")
        )
    from openpromo.sync.repository import SyncLeaseRepository

    now = utcnow()
    async with database.unit_of_work() as session:
        await SyncLeaseRepository(session, tenant.id).acquire(
            "busy:1", now, now + timedelta(minutes=1)
        )
    await make_due(database, tenant.id)
    report = await tick(database)
    assert report.scheduled == []
    assert [r["id"] for r in await runs(client)] == [manual.id]
    config = (await client.get("/v1/customer-sync")).json()
    assert config["next_run_at"] > utcnow().isoformat()[:19]
    async with database.unit_of_work() as session:
        await SyncLeaseRepository(session, tenant.id).release("busy:1")


async def test_abandoned_running_run_is_failed(
    client: httpx.AsyncClient, tenant: TenantFixture, database: Database, scheduled: Path
) -> None:
    async with database.unit_of_work() as session:
        run = await sync_service.trigger_run(session, tenant.principal, "manual")
        await session.execute(
            update(CustomerSyncRun).where(CustomerSyncRun.id == run.id).values(status="running")
        )
    report = await tick(database)
    assert run.id in report.abandoned
    got = (await client.get(f"/v1/customer-sync/runs/{run.id}")).json()
    assert got["status"] == "failed"
    assert got["error"] == "interrupted: the process running it stopped (its lease expired)"
    # The tenant can run again.
    assert (await client.post("/v1/customer-sync/runs")).status_code == 202
    await runner.wait_for_background_runs()


async def test_background_scheduler_picks_up_queued_runs(
    client: httpx.AsyncClient, tenant: TenantFixture, database: Database, scheduled: Path
) -> None:
    async with database.unit_of_work() as session:
        run = await sync_service.trigger_run(session, tenant.principal, "manual")
    handle = start_background_scheduler(database=database, interval_seconds=0.2)
    try:
        for _ in range(100):
            state = (await client.get(f"/v1/customer-sync/runs/{run.id}")).json()["status"]
            if state == "succeeded":
                break
            await asyncio.sleep(0.05)
    finally:
        await handle.stop()
    assert state == "succeeded"
    assert not handle.scheduler.running
