"""Outbox retention: the worker purges finished deliveries, their attempts and their events
once they are older than OPENPROMO_WEBHOOK_RETENTION_DAYS (failed ones as long as succeeded
ones, so they can be redelivered meanwhile), pending ones never; in bounded batches; for
every tenant alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from openpromo.webhook import delivery as delivery_module
from openpromo.webhook.delivery import MAX_ATTEMPTS, DeliveryWorker
from tests.conftest import TenantFixture, make_client, make_tenant
from tests.webhook.receiver import receiver
from tests.webhook.test_delivery import Clock, deliveries, make_endpoint

pytestmark = pytest.mark.usefixtures("allow_loopback")


async def counts(database: Database, *tenants: TenantFixture) -> tuple[int, int, int]:
    """Rows of (events, deliveries, attempts) of these tenants (the database may hold other
    tests' rows: the purge is for every tenant, so only these are counted)."""
    ids = [t.id for t in tenants]
    found = []
    async with database.unit_of_work(write=False) as session:
        for model in (WebhookEvent, WebhookDelivery, WebhookAttempt):
            query = select(func.count()).select_from(model).where(model.tenant_id.in_(ids))
            found.append(int(await session.scalar(query) or 0))
    return found[0], found[1], found[2]


async def test_finished_deliveries_are_purged_after_the_retention(
    app: FastAPI,
    database: Database,
    tenant: TenantFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "webhook_retention_days", 30.0)
    monkeypatch.setattr(get_settings(), "webhook_disable_after_failures", 100)
    other = await make_tenant(database, "Other tenant")
    clock = Clock()
    start = clock.now
    worker = DeliveryWorker(database, clock=clock)
    async with (
        receiver() as rec,
        make_client(app, tenant.admin_key) as client,
        make_client(app, other.admin_key) as other_client,
    ):
        rec.answer = lambda r: 503 if r.path.endswith("/bad") else 200
        ok = await make_endpoint(client, rec.url + "/ok")
        bad = await make_endpoint(client, rec.url + "/bad")
        for endpoint in (ok, bad):
            await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
        await worker.run_once()  # ok: succeeded at start; bad: attempt 1
        for _ in range(MAX_ATTEMPTS - 1):
            clock.advance(timedelta(days=1))
            await worker.run_once()
        [failed] = await deliveries(database, bad["id"])
        assert failed.status == "failed" and failed.attempt_count == MAX_ATTEMPTS
        failed_at = clock.now
        # The other tenant's delivery succeeded a day after the failure.
        clock.advance(timedelta(days=1))
        theirs = await make_endpoint(other_client, rec.url + "/theirs")
        await other_client.post(f"/v1/webhook-endpoints/{theirs['id']}/test")
        await worker.run_once()
        # A delivery that is still pending (tried once, its retry not yet due).
        rec.answer = lambda _r: 503
        later = await make_endpoint(client, rec.url + "/later")
        await client.post(f"/v1/webhook-endpoints/{later['id']}/test")
        await worker.run_once()
        [pending] = await deliveries(database, later["id"])
        assert pending.status == "pending" and pending.attempt_count == 1
    assert await counts(database, tenant, other) == (4, 4, 1 + MAX_ATTEMPTS + 1 + 1)

    # Within the retention nothing goes (the oldest finished one is 29 days old).
    clock.now = start + timedelta(days=29)
    await worker.purge()
    assert await counts(database, tenant, other) == (4, 4, 1 + MAX_ATTEMPTS + 1 + 1)

    # 31 days after the success: it goes, with its attempt and its event; the failed one
    # (finished 11 days later) stays, and can still be redelivered.
    clock.now = start + timedelta(days=31)
    purged = await worker.purge()
    assert purged.deliveries >= 1 and purged.events >= 1
    assert await deliveries(database, ok["id"]) == []
    assert [d.status for d in await deliveries(database, bad["id"])] == ["failed"]
    assert await counts(database, tenant, other) == (3, 3, MAX_ATTEMPTS + 1 + 1)
    async with make_client(app, tenant.admin_key) as client:
        detail = await client.get(f"/v1/webhook-deliveries/{failed.id}")
        assert detail.status_code == 200 and len(detail.json()["attempts"]) == MAX_ATTEMPTS

    # Long after: both tenants' finished deliveries go, in bounded batches (one row per
    # batch, one batch per run here); the pending one stays however old it is.
    monkeypatch.setattr(delivery_module, "PURGE_BATCH", 1)
    monkeypatch.setattr(delivery_module, "PURGE_BATCHES", 1)
    clock.now = failed_at + timedelta(days=60)
    runs: list[tuple[int, int]] = []
    while not runs or runs[-1] != (0, 0):
        purged = await worker.purge()
        runs.append((purged.deliveries, purged.events))
        assert len(runs) < 1000
    # At most one row of each table per run; ours took at least two runs (other tests' old
    # rows in a shared database may come first: oldest first).
    assert all(d <= 1 and e <= 1 for d, e in runs) and len(runs) >= 3
    assert await counts(database, tenant, other) == (1, 1, 1)
    assert [d.status for d in await deliveries(database, later["id"])] == ["pending"]
    assert await deliveries(database, theirs["id"]) == []
