"""Service-level interface used by validation: get, compiled_rules, concurrent versions."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI

from openpromo.db import Database
from openpromo.errors import NotFound
from openpromo.promotion.service import promotion_service
from tests.conftest import TenantFixture, make_client, make_tenant
from tests.promotion.conftest import LOW_TIER, create, in_state, ok, ready

pytestmark = pytest.mark.usefixtures("catalog")


async def test_compiled_rules_evaluate_and_are_cached_by_version(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    promotion = await ready(client)
    async with database.unit_of_work(write=False) as session:
        row = await promotion_service.get(session, tenant.principal, promotion["id"])
        rules = await promotion_service.compiled_rules(session, tenant.id, row)
        again = await promotion_service.compiled_rules(session, tenant.id, row)
    assert again is rules
    assert [t.id for t in rules.tiers] == ["high", "tier-2"]
    match = rules.evaluate({"session.deposit_amount": Decimal("120"), "customer.country": "DE"})
    assert match is not None
    assert match.tier_id == "high"
    assert [(r.reward_type, r.value) for r in match.rewards] == [
        ("free_spins", Decimal("20")),
        ("eur_bonus", Decimal("12.00")),
    ]
    fallback = rules.evaluate({"session.deposit_amount": Decimal("120"), "customer.country": "FR"})
    assert fallback is not None
    assert fallback.tier_id == "tier-2"
    assert rules.referenced_reward_types == frozenset({"free_spins", "eur_bonus"})

    await ok(
        await client.put(f"/v1/promotions/{promotion['id']}/tiers", json={"tiers": [LOW_TIER]})
    )
    async with database.unit_of_work(write=False) as session:
        row = await promotion_service.get(session, tenant.principal, promotion["id"])
        newer = await promotion_service.compiled_rules(session, tenant.id, row)
    assert newer is not rules
    assert [t.id for t in newer.tiers] == ["tier-1"]


async def test_get_is_scoped_to_the_principals_tenant(
    client: httpx.AsyncClient, database: Database
) -> None:
    promotion = await create(client)
    other = await make_tenant(database, "Other")
    async with database.unit_of_work(write=False) as session:
        with pytest.raises(NotFound):
            await promotion_service.get(session, other.principal, promotion["id"])


async def test_concurrent_edits_never_lose_a_version(
    client: httpx.AsyncClient, app: FastAPI, tenant: TenantFixture
) -> None:
    promotion = await in_state(client, "active")
    pid = promotion["id"]
    edits = 12

    async def edit(i: int) -> int:
        async with make_client(app, tenant.admin_key) as http:
            response = await http.patch(f"/v1/promotions/{pid}", json={"description": f"d{i}"})
            return response.status_code

    statuses = await asyncio.gather(*(edit(i) for i in range(edits)))
    assert statuses == [200] * edits
    after = await ok(await client.get(f"/v1/promotions/{pid}"))
    assert after["version"] == promotion["version"] + edits
    updates = await ok(
        await client.get(
            "/v1/audit-log", params={"object_id": pid, "action": "promotion.update", "limit": 50}
        )
    )
    versions = sorted(e["after"]["version"] for e in updates["items"])
    assert versions == list(range(promotion["version"] + 1, promotion["version"] + edits + 1))


async def test_concurrent_creates_with_one_code_give_one_winner(
    client: httpx.AsyncClient, app: FastAPI, tenant: TenantFixture
) -> None:
    async def attempt(i: int) -> int:
        async with make_client(app, tenant.admin_key) as http:
            response = await http.post("/v1/promotions", json={"name": f"P{i}", "code": "SAME"})
            return response.status_code

    statuses = await asyncio.gather(*(attempt(i) for i in range(8)))
    assert sorted(statuses) == [201] + [409] * 7
    listed = await ok(await client.get("/v1/promotions", params={"q": "same"}))
    assert len(listed["items"]) == 1
