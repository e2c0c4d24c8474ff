"""Single confirms and releases on the lean route, grouped per tenant (ledger.coalescing,
docs/reservations.md): concurrent ones share a transaction, each answered as if alone — one
request's 409 or 422 is its own, a failed shared transaction applies nothing and its requests
are run again one by one — and under a race with expiry and new reserves (PostgreSQL, 40
connections) the counters equal live grants plus held reservations, no reservation ends both
confirmed and released."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from openpromo.db import Database, get_database, set_database
from openpromo.errors import OpenPromoError
from openpromo.kit.clock import utcnow
from openpromo.ledger.coalescing import reservation_coalescer
from openpromo.ledger.reservations import reservation_service
from openpromo.models import AudienceMember
from openpromo.validation.service import Target
from openpromo.webhook.service import webhook_service
from tests.conftest import TenantFixture, make_client, make_tenant
from tests.ledger.test_concurrency import N, counter, race, wide_database  # noqa: F401
from tests.ledger.test_reservation_races import live, reserve_one
from tests.ledger.test_reservations import used, validate
from tests.validation.factory import ctx, setup_world


async def test_concurrent_confirms_share_a_transaction_each_answered_alone(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "reward_budgets": [
                {
                    "reward_type": "eur",
                    "window": "lifetime",
                    "limit": "1000",
                    "on_exceed": "truncate",
                }
            ]
        },
    )
    held = await validate(client, world, [ctx(f"g{i}", "100") for i in range(12)])
    rids = [r["reservation_id"] for r in held]
    assert all(rids)
    released = await client.post(f"/v1/reservations/{rids[0]}/release")
    assert released.status_code == 200
    key = f"{world.promotion_id}:budget:eur:lifetime"
    assert await used(database, tenant.id, key) == 11 * 1000
    before = reservation_coalescer.grouped
    calls = [
        client.post(f"/v1/reservations/{rids[0]}/confirm"),  # released: 409, its own
        client.post(
            f"/v1/reservations/{rids[1]}/confirm",
            json={"rewards": [{"reward_type": "eur", "value": "99"}]},
        ),  # 422
        client.post(
            f"/v1/reservations/{rids[2]}/confirm",
            json={"rewards": [{"reward_type": "eur", "value": "4"}]},
        ),
        client.post(f"/v1/reservations/{rids[3]}/confirm"),
        client.post(f"/v1/reservations/{rids[3]}/confirm"),  # the same one twice: same answer
        client.post("/v1/reservations/missing/confirm"),  # 404
        *[client.post(f"/v1/reservations/{rid}/confirm") for rid in rids[4:10]],
        client.post(f"/v1/reservations/{rids[10]}/release", content=b"ignored"),
        client.post(f"/v1/reservations/{rids[11]}/release"),
    ]
    answers = await asyncio.gather(*calls)
    codes = [a.status_code for a in answers]
    assert codes == [409, 422, 200, 200, 200, 404, *[200] * 6, 200, 200], [a.text for a in answers]
    assert answers[0].json()["code"] == "reservation_released"
    assert answers[0].json()["reservation_id"] == rids[0]
    assert answers[1].json()["errors"][0]["loc"] == ["body", "rewards", 0, "value"]
    assert answers[3].json() == answers[4].json()
    assert {g["reward_type"]: g["value"] for g in answers[2].json()["grants"]} == {
        "eur": "4.00",
        "spins": "20",
    }
    assert all(a.json()["status"] == "granted" for a in answers[2:5] + answers[6:12])
    assert answers[12].json()["status"] == answers[13].json()["status"] == "released"
    assert reservation_coalescer.grouped > before  # some of them did share a transaction
    # reserved 1000 each: rids[1] still held, rids[2] for 400, rids[3:10] whole; two released
    assert await used(database, tenant.id, key) == 1000 + 400 + 7 * 1000
    _customers, eur, statuses = await live(database, world.promotion_id)
    assert eur == 1000 + 400 + 7 * 1000
    assert all(len(s) == 1 for s in statuses.values())
    # and the confirmed answer is what a later GET shows
    shown = await client.get(f"/v1/reservations/{rids[2]}")
    assert shown.json() == answers[2].json()


async def test_a_failed_shared_transaction_applies_nothing_and_is_run_one_by_one(
    client: httpx.AsyncClient,
    database: Database,
    tenant: TenantFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fault inside the shared transaction (after its UPDATE) rolls it back whole; each
    request then runs alone and is confirmed exactly once."""
    world = await setup_world(database, tenant.id)
    held = await validate(client, world, [ctx(f"f{i}", "100") for i in range(8)])
    rids = [r["reservation_id"] for r in held]
    real = webhook_service.emit_grants_created
    failed: list[int] = []

    async def flaky(session: Any, tenant_id: str, batches: Any, now: Any) -> None:
        if len(batches) > 1:  # only the shared transaction fails
            failed.append(len(batches))
            raise RuntimeError("injected fault in the shared transaction")
        await real(session, tenant_id, batches, now)

    monkeypatch.setattr(webhook_service, "emit_grants_created", flaky)
    answers = await asyncio.gather(*[client.post(f"/v1/reservations/{r}/confirm") for r in rids])
    assert failed, "no confirms were grouped"
    assert [a.status_code for a in answers] == [200] * 8
    assert all(a.json()["status"] == "granted" for a in answers)
    customers, eur, statuses = await live(database, world.promotion_id)
    assert customers == 8 and all(s == {"granted"} for s in statuses.values())
    assert eur == sum(
        int(g["value"].replace(".", ""))
        for a in answers
        for g in a.json()["grants"]
        if g["reward_type"] == "eur"
    )


async def test_lean_confirm_route_keeps_the_contract(
    app: FastAPI, client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    [a, b] = await validate(client, world, [ctx("la"), ctx("lb")])
    path = f"/v1/reservations/{a['reservation_id']}/confirm"
    as_text = await client.post(path, content=b"{}", headers={"content-type": "text/plain"})
    assert as_text.status_code == 415
    broken = await client.post(path, content=b"{", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["errors"][0]["loc"] == ["body"]
    unknown = await client.post(path, json={"rewardz": []})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == ["body", "rewardz"]
    null = await client.post(path, content=b"null", headers={"content-type": "application/json"})
    assert null.status_code == 200 and null.json()["status"] == "granted"
    async with make_client(app, None) as anon:
        missing = await anon.post(f"/v1/reservations/{b['reservation_id']}/release")
        wrong = await anon.post(
            f"/v1/reservations/{b['reservation_id']}/release", headers={"X-API-Key": "nope"}
        )
    assert missing.status_code == 401 and missing.json()["code"] == "missing_api_key"
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_api_key"
    # another tenant's key does not see it
    other = await make_tenant(database, "Other")
    async with make_client(app, other.admin_key) as stranger:
        foreign = await stranger.post(f"/v1/reservations/{b['reservation_id']}/confirm")
    assert foreign.status_code == 404
    assert (await client.get(f"/v1/reservations/{b['reservation_id']}")).json()["status"] == (
        "reserved"
    )


async def test_grouped_confirms_and_releases_race_expiry_and_reserves(
    wide_database: Database,  # noqa: F811
    tenant: TenantFixture,
) -> None:
    """Through the coalescer (grouped transactions) and the set-wise ``confirm_many`` /
    ``release_many`` directly, racing the worker's expiry and new reserves on the last places
    of a cap and the last euros of a budget."""
    db = wide_database
    world = await setup_world(
        db,
        tenant.id,
        budgets={
            "audience_caps": [{"window": "lifetime", "limit": N // 2}],
            "reward_budgets": [
                {"reward_type": "eur", "window": "lifetime", "limit": "80", "on_exceed": "truncate"}
            ],
        },
    )
    target = Target(promotion_id=world.promotion_id)
    first = await race([reserve_one(db, tenant.id, target, ctx(f"c{i}", "100")) for i in range(N)])
    held = [r["reservation_id"] for r in first if r["eligible"]]
    assert 0 < len(held) <= N // 2
    principal = tenant.principal
    reservation_coalescer.largest_batch = 0
    previous = get_database()
    set_database(db)  # the coalescer's transactions use the wide pool
    try:

        async def settle(rid: str, action: str) -> str:
            try:
                rewards = [("eur", "3")] if action == "confirm" and rid[-1] in "02468ace" else None
                out = await reservation_coalescer.settle(principal, action, rid, rewards)  # type: ignore[arg-type]
            except OpenPromoError as exc:
                return exc.code
            return out.status

        async def many(rids: list[str], action: str) -> str:
            try:
                async with db.unit_of_work() as session:
                    if action == "confirm":
                        await reservation_service.confirm_many(
                            session, principal, [(r, None) for r in rids]
                        )
                    else:
                        await reservation_service.release_many(session, principal, rids)
            except OpenPromoError as exc:
                return exc.code
            return "many"

        async def expire() -> str:
            async with db.unit_of_work() as session:
                await reservation_service.release_expired(session, utcnow() + timedelta(hours=2))
            return "expired"

        rng = random.Random(11)
        calls: list[Any] = []
        for rid in held:
            for _ in range(3):
                calls.append(settle(rid, rng.choice(["confirm", "release"])))
        for _ in range(4):
            sample = sorted(rng.sample(held, min(4, len(held))))
            calls.append(many(sample, rng.choice(["confirm", "release"])))
        calls += [expire() for _ in range(3)]
        calls += [reserve_one(db, tenant.id, target, ctx(f"n{i}", "100")) for i in range(N)]
        rng.shuffle(calls)
        results = await race(calls)
        # Both actions raced; which one wins a group depends on timing (flaky to assert on
        # SQLite as on PostgreSQL): a confirm either won or met a released/expired group, a
        # release either won or met a confirmed one. The invariants below are the test.
        outcomes = {r for r in results if isinstance(r, str)}
        assert outcomes & {"granted", "reservation_released", "reservation_expired"}
        assert outcomes & {"released", "reservation_confirmed"}
        assert reservation_coalescer.largest_batch > 1
    finally:
        set_database(previous)
    async with db.unit_of_work() as session:
        await reservation_service.release_expired(session, utcnow() + timedelta(hours=2))
    customers, eur, statuses = await live(db, world.promotion_id)
    pid = world.promotion_id
    assert await counter(db, tenant.id, f"{pid}:cap:lifetime") == customers <= N // 2
    assert await counter(db, tenant.id, f"{pid}:budget:eur:lifetime") == eur <= 8000
    async with db.unit_of_work(write=False) as session:
        members = await session.scalar(
            select(func.count()).where(AudienceMember.tenant_id == tenant.id)
        )
    assert members == customers
    for group, seen in statuses.items():
        assert len(seen) == 1, (group, seen)  # never part confirmed, part released
        assert seen <= {"granted", "released", "reversed"}
