"""Delivery with a real HTTP receiver on loopback: signatures, retries on a controlled clock,
a receiver that was down, a worker that died after claiming, two workers at once."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from standardwebhooks import Webhook

from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.kit.clock import utcnow
from openpromo.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from openpromo.webhook.delivery import JITTER, LEASE, MAX_ATTEMPTS, SCHEDULE, DeliveryWorker
from openpromo.webhook.service import webhook_service
from tests.conftest import TenantFixture, make_client
from tests.validation.factory import setup_world
from tests.webhook.receiver import Receiver, receiver

pytestmark = pytest.mark.usefixtures("allow_loopback")


class Clock:
    """The worker's clock; starts a little ahead, so the events a test makes next are due."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(seconds=10)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


async def make_endpoint(
    client: httpx.AsyncClient, url: str, types: list[str] | None = None
) -> dict[str, Any]:
    created = await client.post(
        "/v1/webhook-endpoints", json={"url": url, "event_types": types or ["*"]}
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


async def deliveries(database: Database, endpoint_id: str) -> list[WebhookDelivery]:
    async with database.unit_of_work(write=False) as session:
        rows = await session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id)
        )
        return list(rows)


async def attempts(database: Database, delivery_id: str) -> list[WebhookAttempt]:
    async with database.unit_of_work(write=False) as session:
        rows = await session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.number)
        )
        return list(rows)


async def test_a_promotion_event_arrives_signed(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    async with receiver() as rec, make_client(app, tenant.admin_key) as client:
        endpoint = await make_endpoint(client, rec.url)
        assert (
            await client.post(f"/v1/promotions/{world.promotion_id}/deactivate")
        ).status_code == 200
        # (The database is shared with other tests: count this endpoint's, not the pass's.)
        await DeliveryWorker(database).run_once()
        assert len(rec.received) == 1
        request = rec.received[0]
        payload = Webhook(endpoint["secret"]).verify(request.body, request.headers)
        assert payload["type"] == "promotion.deactivated"
        assert payload["data"]["promotion_id"] == world.promotion_id
        assert payload["data"]["reason"] == "manual"
        assert payload["data"]["status"] == "deactivated"
        assert request.headers["webhook-id"] == payload["id"]
        with pytest.raises(Exception, match="No matching signature"):
            Webhook("whsec_" + "A" * 32).verify(request.body, request.headers)
        [delivery] = await deliveries(database, endpoint["id"])
        assert delivery.status == "succeeded" and delivery.attempt_count == 1
        [attempt] = await attempts(database, delivery.id)
        assert attempt.status_code == 200 and attempt.succeeded
        assert attempt.response_excerpt == "ok"
        # Nothing more to send.
        await DeliveryWorker(database).run_once()
        assert len(rec.received) == 1
        # The API lists it with its attempt.
        listed = await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")
        assert [d["id"] for d in listed.json()["items"]] == [delivery.id]
        detail = await client.get(f"/v1/webhook-deliveries/{delivery.id}")
        assert detail.json()["attempts"][0]["status_code"] == 200
        assert detail.json()["event"]["id"] == payload["id"]


async def test_both_secrets_sign_during_a_rotation(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    async with receiver() as rec, make_client(app, tenant.admin_key) as client:
        endpoint = await make_endpoint(client, rec.url)
        rotated = (
            await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")
        ).json()
        assert (
            await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
        ).status_code == 202
        await DeliveryWorker(database).run_once()
        [request] = rec.received
        assert len(request.headers["webhook-signature"].split(" ")) == 2
        for secret in (endpoint["secret"], rotated["secret"]):
            assert Webhook(secret).verify(request.body, request.headers)["type"] == "webhook.test"


async def test_retries_follow_the_schedule_then_fail_and_disable(
    app: FastAPI,
    database: Database,
    tenant: TenantFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "webhook_disable_after_failures", 1)
    clock = Clock()
    worker = DeliveryWorker(database, clock=clock, rng=random.Random(7))
    async with receiver() as rec, make_client(app, tenant.admin_key) as client:
        rec.answer = lambda _r: 503
        endpoint = await make_endpoint(client, rec.url)
        await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
        await worker.run_once()
        [delivery] = await deliveries(database, endpoint["id"])
        for attempt in range(1, MAX_ATTEMPTS):
            assert delivery.attempt_count == attempt and delivery.status == "pending"
            wait = delivery.next_attempt_at - clock.now
            base = SCHEDULE[attempt - 1]
            assert base * (1 - JITTER) <= wait <= base * (1 + JITTER), (attempt, wait)
            # Not before its time...
            clock.advance(wait - timedelta(seconds=1))
            await worker.run_once()
            assert len(rec.received) == attempt
            # ...and at its time.
            clock.advance(timedelta(seconds=1))
            await worker.run_once()
            assert len(rec.received) == attempt + 1
            [delivery] = await deliveries(database, endpoint["id"])
        assert delivery.status == "failed" and delivery.attempt_count == MAX_ATTEMPTS == 12
        assert sum(SCHEDULE, timedelta()) > timedelta(hours=23)
        assert len(rec.received) == MAX_ATTEMPTS
        assert [a.status_code for a in await attempts(database, delivery.id)] == [503] * 12
        got = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}")).json()
        assert got["enabled"] is False and "1 deliveries in a row failed" in got["disabled_reason"]
        # Redeliver all failed since then: a fresh schedule, the same event id.
        rec.answer = lambda _r: 200
        again = await client.post(
            f"/v1/webhook-endpoints/{endpoint['id']}/redeliver",
            json={"since": (clock.now - timedelta(days=2)).isoformat()},
        )
        assert again.json() == {"redelivered": 1}
        await client.patch(f"/v1/webhook-endpoints/{endpoint['id']}", json={"enabled": True})
        await worker.run_once()
        assert len(rec.received) == MAX_ATTEMPTS + 1
        assert rec.received[-1].json["id"] == rec.received[0].json["id"]
        [delivery] = await deliveries(database, endpoint["id"])
        assert delivery.status == "succeeded" and delivery.attempt_count == 13


async def test_a_receiver_down_for_a_while_gets_everything_afterwards(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    clock = Clock()
    worker = DeliveryWorker(database, clock=clock)
    world = await setup_world(database, tenant.id)
    rec = Receiver()
    await rec.start()
    port = rec.port
    await rec.stop()  # down: connections refused
    async with make_client(app, tenant.admin_key) as client:
        endpoint = await make_endpoint(client, f"http://127.0.0.1:{port}/hook")
        for action in ("deactivate", "activate", "deactivate", "activate"):
            response = await client.post(f"/v1/promotions/{world.promotion_id}/{action}")
            assert response.status_code == 200, response.text
        await worker.run_once()
        # In order: only the first was tried, the rest wait for it.
        assert [d.attempt_count for d in await deliveries(database, endpoint["id"])] == [
            1,
            0,
            0,
            0,
        ]
        for _ in range(3):
            clock.advance(timedelta(minutes=10))
            await worker.run_once()
        first = (await deliveries(database, endpoint["id"]))[0]
        assert first.attempt_count == 4 and first.last_error is not None
        rec = Receiver(port=port)
        await rec.start()
        try:
            clock.advance(timedelta(hours=1))
            for _ in range(4):  # one of each ordered lane per pass
                await worker.run_once()
            assert len(rec.received) == 4
            types = [(e["type"], e["data"]["status"]) for e in rec.events()]
            assert types == [
                ("promotion.deactivated", "deactivated"),
                ("promotion.activated", "active"),
                ("promotion.deactivated", "deactivated"),
                ("promotion.activated", "active"),
            ]
        finally:
            await rec.stop()


async def test_a_worker_killed_after_its_claim_delivers_after_restart(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    clock = Clock()
    async with receiver() as rec, make_client(app, tenant.admin_key) as client:
        endpoint = await make_endpoint(client, rec.url)
        await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
        # Committed, no worker running: it waits in the outbox.
        dead = DeliveryWorker(database, clock=clock)
        claimed = await dead._claim()  # claims, then "dies" before sending
        assert len(claimed) == 1 and rec.received == []
        restarted = DeliveryWorker(database, clock=clock)
        await restarted.run_once()
        assert rec.received == []  # the dead worker's lease holds
        clock.advance(LEASE + timedelta(seconds=1))
        await restarted.run_once()
        assert len(rec.received) == 1


async def test_two_workers_never_send_one_delivery_twice(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    async with receiver() as rec, make_client(app, tenant.admin_key) as client:
        rec.delay = 0.01
        endpoints = [await make_endpoint(client, rec.url) for _ in range(4)]
        for endpoint in endpoints:
            for _ in range(10):
                await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
        one, two = DeliveryWorker(database), DeliveryWorker(database)
        reports = await asyncio.gather(one.run_once(), two.run_once(), one.run_once())
        # (Another process may deliver too: the browser tests' server has an embedded worker
        # on the same database. Whoever sends, each delivery is sent once.)
        assert sum(r.succeeded for r in reports) <= 40
        for _ in range(100):
            if len(rec.received) >= 40:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # anything sent twice would arrive meanwhile
        for endpoint in endpoints:
            assert [d.status for d in await deliveries(database, endpoint["id"])] == [
                "succeeded"
            ] * 10
        ids = [r.headers["webhook-id"] for r in rec.received]
        assert len(ids) == 40 and len(set(ids)) == 40


async def test_events_of_a_disabled_endpoint_wait_for_it(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    async with receiver() as rec, make_client(app, tenant.admin_key) as client:
        endpoint = await make_endpoint(client, rec.url, ["promotion.deactivated"])
        await client.post(f"/v1/promotions/{world.promotion_id}/deactivate")
        await DeliveryWorker(database).fan_out()
        await client.patch(f"/v1/webhook-endpoints/{endpoint['id']}", json={"enabled": False})
        await DeliveryWorker(database).run_once()
        assert rec.received == []
        await client.patch(f"/v1/webhook-endpoints/{endpoint['id']}", json={"enabled": True})
        await DeliveryWorker(database).run_once()
        assert len(rec.received) == 1
        # Not subscribed: activation is not sent.
        await client.post(f"/v1/promotions/{world.promotion_id}/activate")
        await DeliveryWorker(database).run_once()
        assert len(rec.received) == 1


async def test_the_worker_refuses_a_destination_that_became_private(
    app: FastAPI, database: Database, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with receiver() as rec, make_client(app, tenant.admin_key) as client:
        endpoint = await make_endpoint(client, rec.url)
        await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
        monkeypatch.setattr(get_settings(), "webhook_allow_private_destinations", False)
        await DeliveryWorker(database).run_once()
        assert rec.received == []
        [delivery] = await deliveries(database, endpoint["id"])
        assert delivery.last_error is not None and "private, loopback" in delivery.last_error


async def test_the_embedded_loop_delivers_within_a_second_of_the_commit(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    worker = DeliveryWorker(database)
    worker.start()
    try:
        async with receiver() as rec, make_client(app, tenant.admin_key) as client:
            endpoint = await make_endpoint(client, rec.url)
            started = asyncio.get_running_loop().time()
            await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")
            await asyncio.wait_for(rec.arrived.wait(), timeout=5)
            assert asyncio.get_running_loop().time() - started < 1.0
    finally:
        await worker.stop()


async def test_endpoint_rows_stay_tenant_scoped(database: Database, tenant: TenantFixture) -> None:
    async with database.unit_of_work(write=False) as session:
        assert list(await webhook_service.list_endpoints(session, tenant.principal)) == []
        rows = await session.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.tenant_id == tenant.id)
        )
        assert list(rows) == []


async def test_grants_created_events_are_delivered_per_request(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    async with receiver() as rec, make_client(app, tenant.admin_key) as client:
        endpoint = await make_endpoint(client, rec.url, ["grants.created"])
        answers = await asyncio.gather(
            *(
                client.post(
                    path,
                    json={
                        "contexts": [{"customer_id": f"d{i}", "session": {"deposit": "150"}}],
                        "commit": True,
                    },
                )
                for i in range(8)
            )
        )
        assert all(a.status_code == 200 for a in answers)
        await DeliveryWorker(database).run_once()
        assert len(rec.received) == 8
        got = {
            g["customer_id"]: sorted(x["grant_id"] for x in e["data"]["grants"])
            for e in rec.events()
            for g in e["data"]["grants"][:1]
        }
        for i, answer in enumerate(answers):
            assert got[f"d{i}"] == sorted(answer.json()["results"][0]["grant_ids"])
        for request in rec.received:
            Webhook(endpoint["secret"]).verify(request.body, request.headers)
        rows = await deliveries(database, endpoint["id"])
        assert [d.status for d in rows] == ["succeeded"] * 8
        for row in rows:
            [attempt] = await attempts(database, row.id)
            assert attempt.status_code == 200 and attempt.number == 1
