"""`openpromo serve` on the embedded default runs the scheduler inside the API process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from openpromo.app import create_app
from openpromo.config import get_settings
from openpromo.db import Database
from tests.conftest import TenantFixture, make_client
from tests.sync.test_scheduler import make_due, runs, scheduled  # noqa: F401 (fixture)


async def _run_due_sync_with_app_lifespan(
    monkeypatch: pytest.MonkeyPatch, embedded: bool, tenant: TenantFixture, database: Database
) -> list[str]:
    monkeypatch.setenv("OPENPROMO_EMBEDDED_WORKER", "1" if embedded else "0")
    get_settings.cache_clear()
    app = create_app()
    await make_due(database, tenant.id)
    statuses: list[str] = []
    try:
        async with app.router.lifespan_context(app), make_client(app, tenant.admin_key) as http:
            for _ in range(60):
                statuses = [r["status"] for r in await runs(http)]
                if statuses and statuses[0] == "succeeded":
                    break
                await asyncio.sleep(0.05)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    return statuses


async def test_embedded_worker_runs_a_due_scheduled_sync(
    monkeypatch: pytest.MonkeyPatch,
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    database: Database,
    scheduled: Path,  # noqa: F811
) -> None:
    statuses = await _run_due_sync_with_app_lifespan(monkeypatch, True, tenant, database)
    assert statuses == ["succeeded"]
    customer = (await client.get("/v1/customers/n1")).json()
    assert customer["properties"]["deposits"] == 11


async def test_without_the_embedded_worker_nothing_runs(
    monkeypatch: pytest.MonkeyPatch,
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    database: Database,
    scheduled: Path,  # noqa: F811
) -> None:
    statuses = await _run_due_sync_with_app_lifespan(monkeypatch, False, tenant, database)
    assert statuses == []
    # Ticks look at every tenant: leave no due schedule behind for other tests' workers.
    response = await client.put("/v1/customer-sync", json={"enabled": False})
    assert response.status_code == 200, response.text
