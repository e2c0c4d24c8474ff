"""The outbox: events written in the transaction of their change — grants.created per committed
request (also in a group commit), nothing on a rollback, threshold events once per window and
threshold (also under 32 concurrent commits on PostgreSQL), the kill switch, pause all."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from openpromo.config import get_settings
from openpromo.db import Database
from openpromo.models import AuditEntry, Promotion, WebhookEvent
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, validation_service
from tests.conftest import TenantFixture, is_postgres, make_client
from tests.validation.factory import ctx, setup_world

pytestmark = pytest.mark.usefixtures("allow_loopback")

URL = "http://127.0.0.1:9/hook"


async def events(database: Database, tenant_id: str, type_: str | None = None) -> list[Any]:
    async with database.unit_of_work(write=False) as session:
        query = select(WebhookEvent).where(WebhookEvent.tenant_id == tenant_id)
        if type_ is not None:
            query = query.where(WebhookEvent.type == type_)
        return list(await session.scalars(query.order_by(WebhookEvent.id)))


async def subscribe(app: FastAPI, tenant: TenantFixture, types: list[str]) -> None:
    async with make_client(app, tenant.admin_key) as client:
        created = await client.post(
            "/v1/webhook-endpoints", json={"url": URL, "event_types": types}
        )
        assert created.status_code == 201, created.text


async def test_a_rolled_back_validation_emits_nothing(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={"audience_caps": [{"window": "lifetime", "limit": 2, "alert_thresholds": [0.5]}]},
    )
    await subscribe(app, tenant, ["grants.created", "*"])
    body = ValidateRequest.model_validate({"contexts": [ctx("rolled")], "commit": True})
    with pytest.raises(RuntimeError, match="boom"):
        async with database.unit_of_work() as session:
            answer = await validation_service.validate(
                session, tenant.principal, Target(promotion_id=world.promotion_id), body, seed=b"s"
            )
            assert answer["results"][0]["grant_ids"]
            raise RuntimeError("boom")
    assert await events(database, tenant.id) == []
    # The same commit, committed: its grants.created and the 50 % threshold event.
    async with database.unit_of_work() as session:
        answer = await validation_service.validate(
            session, tenant.principal, Target(promotion_id=world.promotion_id), body, seed=b"s"
        )
    written = await events(database, tenant.id)
    assert sorted(e.type for e in written) == ["grants.created", "limit.threshold_reached"]
    [created] = [e for e in written if e.type == "grants.created"]
    assert [g["grant_id"] for g in created.payload["grants"]] == answer["results"][0]["grant_ids"]
    assert {g["customer_id"] for g in created.payload["grants"]} == {"rolled"}


async def test_no_grants_created_event_without_an_opt_in(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    await subscribe(app, tenant, ["*"])
    async with make_client(app, tenant.admin_key) as client:
        response = await client.post(
            f"/v1/promotions/{world.promotion_id}/validate-customers",
            json={"contexts": [ctx("c1")], "commit": True},
        )
        assert response.status_code == 200
    assert await events(database, tenant.id, "grants.created") == []


async def test_one_grants_created_event_per_request_in_a_group_commit(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    await subscribe(app, tenant, ["grants.created"])
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    n = 16
    async with make_client(app, tenant.admin_key) as client:
        responses = await asyncio.gather(
            *(
                client.post(path, json={"contexts": [ctx(f"g{i}a"), ctx(f"g{i}b")], "commit": True})
                for i in range(n)
            )
        )
    created = await events(database, tenant.id, "grants.created")
    assert len(created) == n
    by_customers = {
        frozenset(g["customer_id"] for g in e.payload["grants"]): e.payload for e in created
    }
    for i, response in enumerate(responses):
        ids = [g for r in response.json()["results"] for g in r["grant_ids"]]
        payload = by_customers[frozenset({f"g{i}a", f"g{i}b"})]
        assert sorted(g["grant_id"] for g in payload["grants"]) == sorted(ids)
        assert payload["promotion_id"] == world.promotion_id


async def test_thresholds_fire_once_per_window_and_threshold(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "day", "limit": 4}],
            "reward_budgets": [
                {
                    "reward_type": "spins",
                    "window": "lifetime",
                    "limit": "100",
                    "alert_thresholds": [0.25],
                }
            ],
        },
    )
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    async with make_client(app, tenant.admin_key) as client:
        granted = []
        for i in range(6):
            response = await client.post(path, json={"contexts": [ctx(f"t{i}")], "commit": True})
            assert response.status_code == 200
            granted.extend(response.json()["results"][0]["grant_ids"])
        # A reversal takes the cap back under 100 % and 80 %; crossing again sends nothing.
        for grant_id in granted[:2]:  # both grants (spins, eur) of customer t0
            reversed_ = await client.post(f"/v1/grants/{grant_id}/reverse")
            assert reversed_.status_code == 200, reversed_.text
        again = await client.post(path, json={"contexts": [ctx("t9")], "commit": True})
        assert again.json()["results"][0]["eligible"] is True
    reached = await events(database, tenant.id, "limit.threshold_reached")
    exhausted = await events(database, tenant.id, "limit.exhausted")
    caps = sorted(
        e.payload["threshold"] for e in reached if e.payload["limit"]["kind"] == "audience_cap"
    )
    # Default thresholds 0.5 and 0.8 (1.0 is limit.exhausted); the cap is 4 customers a day.
    assert caps == [0.5, 0.8]
    assert [e.payload["limit"]["kind"] for e in exhausted] == ["audience_cap"]
    assert exhausted[0].payload["limit"]["used"] == 4
    budget = [e.payload for e in reached if e.payload["limit"]["kind"] == "reward_budget"]
    # 20 spins a customer, 4 customers granted: 80 of 100 — only the 25 % threshold is set.
    assert [b["threshold"] for b in budget] == [0.25]
    assert budget[0]["limit"]["reward_type"] == "spins"
    assert len(await events(database, tenant.id, "grant.reversed")) == 2


async def test_the_kill_switch_deactivates_the_promotion(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "audience_caps": [
                {"window": "lifetime", "limit": 10, "deactivate_at": 0.2, "alert_thresholds": [0.5]}
            ]
        },
    )
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    async with make_client(app, tenant.admin_key) as client:
        first = await client.post(path, json={"contexts": [ctx("k1")], "commit": True})
        assert first.json()["results"][0]["eligible"] is True
        second = await client.post(
            path, json={"contexts": [ctx("k2")], "commit": True}
        )  # 2 of 10: the switch trips in this commit
        assert second.json()["results"][0]["eligible"] is True
        got = (await client.get(f"/v1/promotions/{world.promotion_id}")).json()
        assert got["status"] == "deactivated"
        third = await client.post(path, json={"contexts": [ctx("k3")], "commit": True})
        assert third.json()["results"][0]["eligible"] is False
        audit = (
            await client.get(
                "/v1/audit-log",
                params={"object_id": world.promotion_id, "action": "promotion.deactivate"},
            )
        ).json()["items"]
    assert len(audit) == 1
    assert audit[0]["actor_type"] == "system"
    assert audit[0]["after"]["context"]["reason"] == "kill_switch"
    [event] = await events(database, tenant.id, "promotion.deactivated")
    assert event.payload["reason"] == "kill_switch" and event.payload["threshold"] == 0.2
    # The switch's share is not an alert threshold here: no threshold event for it.
    assert await events(database, tenant.id, "limit.threshold_reached") == []


async def test_pause_all_deactivates_every_active_promotion(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    one = await setup_world(database, tenant.id)
    two = await setup_world(database, tenant.id)
    async with make_client(app, tenant.admin_key) as client:
        await client.post(f"/v1/promotions/{two.promotion_id}/deactivate")
        paused = await client.post("/v1/promotions/pause-all")
        assert paused.status_code == 200, paused.text
        assert paused.json()["paused"] == [one.promotion_id]
    async with database.unit_of_work(write=False) as session:
        statuses = dict(
            (
                await session.execute(
                    select(Promotion.id, Promotion.status).where(Promotion.tenant_id == tenant.id)
                )
            ).all()
        )
        audit = list(
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.tenant_id == tenant.id, AuditEntry.action == "promotion.deactivate"
                )
            )
        )
    assert statuses == {one.promotion_id: "deactivated", two.promotion_id: "deactivated"}
    assert len(audit) == 2
    reasons = [
        e.payload["reason"] for e in await events(database, tenant.id, "promotion.deactivated")
    ]
    assert reasons == ["manual", "pause_all"]


@pytest.mark.skipif(not is_postgres(), reason="32 concurrent transactions need PostgreSQL")
async def test_thresholds_once_with_32_concurrent_commits_crossing_together(
    app: FastAPI, database: Database, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every commit its own transaction (no group commit), all at once.
    monkeypatch.setattr(get_settings(), "group_commits", False)
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "day", "limit": 32}],
            "alert_thresholds": [0.1, 0.5, 0.8, 1.0],
        },
    )
    body = [
        ValidateRequest.model_validate({"contexts": [ctx(f"p{i}")], "commit": True})
        for i in range(40)
    ]

    async def one(i: int) -> dict[str, Any]:
        async with database.unit_of_work() as session:
            return await validation_service.validate(
                session,
                tenant.principal,
                Target(promotion_id=world.promotion_id),
                body[i],
                seed=bytes([i]),
            )

    answers = await asyncio.gather(*(one(i) for i in range(40)))
    assert sum(1 for a in answers if a["results"][0]["eligible"]) == 32
    reached = await events(database, tenant.id, "limit.threshold_reached")
    exhausted = await events(database, tenant.id, "limit.exhausted")
    assert sorted(e.payload["threshold"] for e in reached) == [0.1, 0.5, 0.8]
    assert len(exhausted) == 1 and exhausted[0].payload["limit"]["used"] == 32


async def test_the_guarded_mark_lets_one_of_32_concurrent_transactions_win(
    database: Database, tenant: TenantFixture
) -> None:
    from datetime import UTC, datetime

    from openpromo.webhook.service import LimitCrossing, webhook_service

    crossing = LimitCrossing(
        promotion_id="p-1",
        limit_key="p-1:cap:day",
        window_start=datetime(2026, 12, 4, tzinfo=UTC),
        threshold=0.8,
        data={"promotion_id": "p-1", "limit": {"kind": "audience_cap"}},
    )
    start = asyncio.Event()

    async def one() -> int:
        await start.wait()
        async with database.unit_of_work() as session:
            return len(await webhook_service.reach_thresholds(session, tenant.id, [crossing]))

    tasks = [asyncio.create_task(one()) for _ in range(32)]
    start.set()
    assert sum(await asyncio.gather(*tasks)) == 1
    assert len(await events(database, tenant.id, "limit.threshold_reached")) == 1


async def test_upload_generation_import_and_pool_events(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id, promocode={"type": "bulk"}, values=["P-1"])
    path = f"/v1/promocodes/{world.promocode_id}"
    async with make_client(app, tenant.admin_key) as client:
        one = await client.post(
            f"{path}/validate-customers", json={"contexts": [ctx("a"), ctx("b")], "commit": True}
        )
        assert one.status_code == 200, one.text
        # The pool ran dry in that commit; another dry customer does not repeat the event.
        await client.post(
            f"{path}/validate-customers", json={"contexts": [ctx("c")], "commit": True}
        )
        uploaded = await client.post(
            f"{path}/values", content=b"P-2\nP-3\n", headers={"content-type": "text/plain"}
        )
        assert uploaded.status_code == 200, uploaded.text
        generated = await client.post(f"{path}/values/generate", json={"count": 2})
        assert generated.status_code == 200, generated.text
        imported = await client.post(
            "/v1/customers/import",
            content=b'{"customer_id": "i1"}\n',
            headers={"content-type": "application/x-ndjson"},
        )
        assert imported.status_code == 200, imported.text
    [empty] = await events(database, tenant.id, "promocode.pool_exhausted")
    assert empty.payload == {
        "promocode_id": world.promocode_id,
        "promotion_id": world.promotion_id,
        "needed": 2,
        "available": 1,
    }
    [upload] = await events(database, tenant.id, "promocode.upload_finished")
    assert upload.payload["inserted"] == 2 and upload.payload["promocode_id"] == world.promocode_id
    [generation] = await events(database, tenant.id, "promocode.generation_finished")
    assert generation.payload["generated"] == 2
    [customers] = await events(database, tenant.id, "customer.import_finished")
    assert customers.payload["rows_upserted"] == 1


async def test_customer_sync_runs_send_their_outcome(
    app: FastAPI, database: Database, tenant: TenantFixture, tmp_path: Any
) -> None:
    from tests.customer.helpers import put_customer_schema
    from tests.sync.test_runs import configure, run_now

    path = tmp_path / "customers.csv"
    path.write_text("customer_id,vip_level\ns1,gold\n")
    async with make_client(app, tenant.admin_key) as client:
        await put_customer_schema(client)
        await configure(client, {"kind": "file", "path": str(path), "format": "csv"})
        ok = await run_now(client)
        assert ok["status"] == "succeeded"
        await configure(
            client, {"kind": "file", "path": str(tmp_path / "nope.csv"), "format": "csv"}
        )
        failed = await run_now(client)
        assert failed["status"] == "failed"
    [succeeded] = await events(database, tenant.id, "customer_sync.succeeded")
    assert succeeded.payload["run_id"] == ok["id"] and succeeded.payload["rows_upserted"] == 1
    [fail] = await events(database, tenant.id, "customer_sync.failed")
    assert fail.payload["run_id"] == failed["id"] and fail.payload["error"].startswith(
        "cannot open"
    )
