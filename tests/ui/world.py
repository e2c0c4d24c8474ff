"""A spins reward type, a decimal session property and active promotions, made through the
API: what the grants and validation pages need to show something."""

from __future__ import annotations

import httpx

from tests.ui.test_pages import TIERS


async def catalog(client: httpx.AsyncClient) -> None:
    for method, path, body in [
        ("POST", "/v1/reward-types", {"key": "spins", "name": "Spins", "category": "unit"}),
        ("PUT", "/v1/schemas/session/properties/deposit_amount", {"type": "decimal"}),
    ]:
        assert (await client.request(method, path, json=body)).status_code in (200, 201)


async def active_promotion(client: httpx.AsyncClient, name: str) -> str:
    """An active promotion whose one tier gives 20 spins from a deposit of 100."""
    pid = str((await client.post("/v1/promotions", json={"name": name})).json()["id"])
    assert (
        await client.put(f"/v1/promotions/{pid}/tiers", json={"tiers": TIERS})
    ).status_code == 200
    assert (await client.post(f"/v1/promotions/{pid}/activate")).status_code == 200
    return pid
