from __future__ import annotations

from typing import Any

import httpx

from openpromo.db import Database
from tests.conftest import TenantFixture
from tests.validation.factory import ctx, setup_world


async def _validate(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_dry_run_tiers_and_rewards(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    body = {"contexts": [ctx("c-1", "123.45"), ctx("c-2", "20"), ctx("c-3", "5")]}
    out = await _validate(client, f"/v1/promotions/{world.promotion_id}/validate-customers", body)
    assert out["promotion_id"] == world.promotion_id
    assert out["commit"] is False
    r1, r2, r3 = out["results"]
    assert r1["eligible"] is True
    assert r1["tier"] == {"id": "high", "name": "High depositors"}
    assert r1["rewards"] == [
        {"reward_type": "spins", "value": "20"},
        {"reward_type": "eur", "value": "12.34"},
    ]
    assert r2["rewards"] == [{"reward_type": "spins", "value": "5"}]
    assert r3["eligible"] is False
    assert r3["reasons"][0]["code"] == "no_tier_matched"
    assert out["summary"] == {
        "eligible": 2,
        "ineligible": 1,
        "rewards_total": {"eur": "12.34", "spins": "25"},
    }
