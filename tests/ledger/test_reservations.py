"""Reservations (docs/reservations.md): held like grants against every limit kind, confirmed
(for less), released, expired by the worker; idempotent transitions and clear 409s."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from openpromo.db import Database
from openpromo.kit.clock import utcnow
from openpromo.models import Grant, UsageCounter
from openpromo.models.webhook import WebhookEvent
from openpromo.sync.scheduler import tick
from tests.conftest import TenantFixture
from tests.validation.factory import ctx, setup_world

RESERVE = "reserve"


async def validate(
    client: httpx.AsyncClient,
    world: Any,
    contexts: list[dict[str, Any]],
    commit: Any = RESERVE,
    **extra: Any,
) -> list[dict[str, Any]]:
    response = await client.post(
        f"/v1/promotions/{world.promotion_id}/validate-customers",
        json={"contexts": contexts, "commit": commit, **extra},
    )
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


async def used(db: Database, tenant_id: str, key: str) -> int:
    async with db.unit_of_work(write=False) as session:
        value = await session.scalar(
            select(func.sum(UsageCounter.used)).where(
                UsageCounter.tenant_id == tenant_id, UsageCounter.key == key
            )
        )
    return int(value or 0)


def codes(result: dict[str, Any]) -> list[str]:
    return [r["code"] for r in result["reasons"]]


async def test_cap_held_released_confirmed_and_expired(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database, tenant.id, budgets={"audience_caps": [{"window": "lifetime", "limit": 1}]}
    )
    cap = f"{world.promotion_id}:cap:lifetime"
    [a] = await validate(client, world, [ctx("a")])
    assert a["eligible"] and a["reservation_id"] and a["reserved_until"]
    assert await used(database, tenant.id, cap) == 1
    listed = await client.get("/v1/grants", params={"status": "reserved"})
    assert {g["id"] for g in listed.json()["items"]} == set(a["grant_ids"])
    [b] = await validate(client, world, [ctx("b")], commit=True)
    assert codes(b) == ["audience_cap_reached"]
    rid = a["reservation_id"]
    released = await client.post(f"/v1/reservations/{rid}/release")
    assert released.status_code == 200 and released.json()["status"] == "released"
    again = await client.post(f"/v1/reservations/{rid}/release")
    assert again.status_code == 200 and again.json() == released.json()
    assert await used(database, tenant.id, cap) == 0
    refused = await client.post(f"/v1/reservations/{rid}/confirm")
    assert refused.status_code == 409
    assert refused.json()["code"] == "reservation_released" and rid in refused.json()["detail"]
    # b reserves the freed place and confirms it; release after confirm is refused
    [b] = await validate(client, world, [ctx("b")])
    rid_b = b["reservation_id"]
    confirmed = await client.post(f"/v1/reservations/{rid_b}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "granted"
    assert (await client.post(f"/v1/reservations/{rid_b}/confirm")).json() == confirmed.json()
    late = await client.post(f"/v1/reservations/{rid_b}/release")
    assert late.status_code == 409 and late.json()["code"] == "reservation_confirmed"
    assert await used(database, tenant.id, cap) == 1
    stats = (await client.get(f"/v1/promotions/{world.promotion_id}/stats")).json()
    assert stats["grants_count"] == 2 and stats["reservations_count"] == 0
    # a reversal frees it; c reserves; expiry gives the place back exactly once
    for grant_id in b["grant_ids"]:
        assert (await client.post(f"/v1/grants/{grant_id}/reverse")).status_code == 200
    [c] = await validate(client, world, [ctx("c")], reserve_for=60)
    assert (await client.post(f"/v1/grants/{c['grant_ids'][0]}/reverse")).status_code == 409
    stats = (await client.get(f"/v1/promotions/{world.promotion_id}/stats")).json()
    assert stats["reservations_count"] == 1 and stats["audience_caps"][0]["used"] == 1
    later = utcnow() + timedelta(seconds=61)
    report = await tick(database, later)
    assert report.reservations_released == 1
    assert (await tick(database, later)).reservations_released == 0
    assert await used(database, tenant.id, cap) == 0
    expired = await client.post(f"/v1/reservations/{c['reservation_id']}/confirm")
    assert expired.status_code == 409 and expired.json()["code"] == "reservation_expired"
    async with database.unit_of_work(write=False) as session:
        events = (
            await session.scalars(
                select(WebhookEvent).where(
                    WebhookEvent.tenant_id == tenant.id, WebhookEvent.type == "reservation.expired"
                )
            )
        ).all()
    assert [e.payload["reservation_id"] for e in events] == [c["reservation_id"]]


async def test_budget_truncating_confirmed_for_less_released_expired(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        budgets={
            "reward_budgets": [
                {"reward_type": "eur", "window": "lifetime", "limit": "25", "on_exceed": "truncate"}
            ]
        },
    )
    key = f"{world.promotion_id}:budget:eur:lifetime"
    a, b, c = await validate(client, world, [ctx("a", "100"), ctx("b", "100"), ctx("c", "100")])
    assert [r["rewards"][1]["value"] for r in (a, b)] == ["10.00", "10.00"]
    assert c["rewards"][1]["value"] == "5.00"  # truncated while a and b are held
    assert await used(database, tenant.id, key) == 2500
    [d] = await validate(client, world, [ctx("d", "100")])
    assert [r["reward_type"] for r in d["rewards"]] == ["spins"]
    # confirm a for 4 of its 10: 6 go back
    too_much = await client.post(
        f"/v1/reservations/{a['reservation_id']}/confirm",
        json={"rewards": [{"reward_type": "eur", "value": "10.01"}]},
    )
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["loc"] == ["body", "rewards", 0, "value"]
    out = await client.post(
        f"/v1/reservations/{a['reservation_id']}/confirm",
        json={"rewards": [{"reward_type": "eur", "value": "4"}]},
    )
    assert out.status_code == 200, out.text
    values = {g["reward_type"]: g["value"] for g in out.json()["grants"]}
    assert values == {"eur": "4.00", "spins": "20"}
    assert await used(database, tenant.id, key) == 1900
    # batch: release b, confirm c, one unknown id — answered per item
    batch = await client.post(
        "/v1/reservations/release",
        json={"reservations": [{"id": b["reservation_id"]}, {"id": "nope"}]},
    )
    assert batch.status_code == 200, batch.text
    items = batch.json()["results"]
    assert items[0]["status"] == "released" and items[1]["problem"]["status"] == 404
    assert await used(database, tenant.id, key) == 900
    [e] = await validate(client, world, [ctx("e", "100")], reserve_for=5)
    assert e["rewards"][1]["value"] == "10.00"
    assert await used(database, tenant.id, key) == 1900
    await tick(database, utcnow() + timedelta(seconds=10))
    # c (15 minutes by default) is still held; e expired
    assert await used(database, tenant.id, key) == 900
    confirm = await client.post(
        "/v1/reservations/confirm", json={"reservations": [{"id": c["reservation_id"]}]}
    )
    assert confirm.json()["results"][0]["status"] == "granted"
    # reversal of the confirmed-for-less grant gives back exactly the 4 still held
    eur = next(g for g in out.json()["grants"] if g["reward_type"] == "eur")
    assert (await client.post(f"/v1/grants/{eur['id']}/reverse")).status_code == 200
    assert await used(database, tenant.id, key) == 500
    async with database.unit_of_work(write=False) as session:
        live = await session.scalar(
            select(func.sum(Grant.value_minor)).where(
                Grant.promotion_id == world.promotion_id,
                Grant.reward_type == "eur",
                Grant.status.in_(("granted", "reserved")),
            )
        )
    assert live == 500


async def test_per_customer_limit_and_single_use_code(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(
        database,
        tenant.id,
        constraints={"spins": {"per_customer": [{"window": "day", "max_grants": 1}]}},
    )
    [a1] = await validate(client, world, [ctx("a", "50")])
    [a2] = await validate(client, world, [ctx("a", "50")])
    assert codes(a2) == ["customer_limit_reached"]
    await client.post(f"/v1/reservations/{a1['reservation_id']}/release")
    [a3] = await validate(client, world, [ctx("a", "50")], reserve_for=1)
    assert a3["eligible"]
    await tick(database, utcnow() + timedelta(seconds=5))
    [a4] = await validate(client, world, [ctx("a", "50")], commit=True)
    assert a4["eligible"]

    coded = await setup_world(
        database, tenant.id, promocode={"type": "single_use"}, values=["ONE-9"]
    )
    path = f"/v1/promocodes/{coded.promocode_id}/validate-customers"
    first = (await client.post(path, json={"contexts": [ctx("a")], "commit": RESERVE})).json()
    second = (await client.post(path, json={"contexts": [ctx("b")], "commit": RESERVE})).json()
    assert first["commit"] == RESERVE and first["results"][0]["eligible"]
    assert codes(second["results"][0]) == ["code_already_redeemed"]
    rid = first["results"][0]["reservation_id"]
    assert (await client.post(f"/v1/reservations/{rid}/release")).status_code == 200
    third = (await client.post(path, json={"contexts": [ctx("b")], "commit": RESERVE})).json()
    assert third["results"][0]["eligible"] and third["results"][0]["code"] == "ONE-9"
    await tick(database, utcnow() + timedelta(hours=1))
    fourth = (await client.post(path, json={"contexts": [ctx("c")], "commit": True})).json()
    assert fourth["results"][0]["eligible"]


async def test_hold_limits_and_reference(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    bad = await client.post(path, json={"contexts": [ctx("a")], "commit": True, "reserve_for": 5})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "reserve_for"]
    too_long = await client.post(
        path, json={"contexts": [ctx("a")], "commit": RESERVE, "reserve_for": 86401}
    )
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["loc"] == ["body", "reserve_for"]
    patched = await client.patch(
        "/v1/tenant", json={"reservation_default_seconds": 60, "reservation_max_seconds": 120}
    )
    assert patched.status_code == 200, patched.text
    wrong = await client.patch("/v1/tenant", json={"reservation_default_seconds": 600})
    assert wrong.status_code == 422
    before = utcnow()
    [a] = await validate(client, world, [ctx("a", reference="order-1")])
    [again] = await validate(client, world, [ctx("a", reference="order-1")])
    assert again["reservation_id"] == a["reservation_id"]
    from datetime import datetime

    until = datetime.fromisoformat(a["reserved_until"])
    assert before + timedelta(seconds=59) <= until <= utcnow() + timedelta(seconds=61)
    await client.post(f"/v1/reservations/{a['reservation_id']}/release")
    [retry] = await validate(client, world, [ctx("a", reference="order-1")])
    assert retry["eligible"] and retry["reservation_id"] != a["reservation_id"]
    missing = await client.post("/v1/reservations/unknown/confirm")
    assert missing.status_code == 404
