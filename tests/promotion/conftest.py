"""Shared set-up for promotion tests: reward types and schemas created through the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

REWARD_TYPES: list[dict[str, Any]] = [
    {"key": "free_spins", "name": "Free spins", "category": "unit", "unit_name": "spin"},
    {"key": "eur_bonus", "name": "EUR bonus", "category": "amount", "currency": "EUR"},
]

SCHEMAS: dict[str, list[dict[str, Any]]] = {
    "session": [
        {"key": "deposit_amount", "type": "decimal"},
        {"key": "channel", "type": "string"},
    ],
    "customer": [
        {"key": "country", "type": "string"},
        {"key": "ltv", "type": "decimal"},
        {"key": "vip_level", "type": "string"},
    ],
    "promotion": [
        {"key": "region", "type": "string", "required": True},
        {"key": "ab_variant", "type": "string", "allowed_values": ["a", "b"]},
        {"key": "max_spins", "type": "integer", "min": 1},
    ],
}

HIGH_TIER: dict[str, Any] = {
    "id": "high",
    "name": "High depositors",
    "condition": {
        "all": [
            {"property": "session.deposit_amount", "op": "gte", "value": "100"},
            {"not": {"property": "customer.country", "op": "in", "value": ["US", "FR"]}},
        ]
    },
    "rewards": [
        {"reward_type": "free_spins", "value": {"fixed": "20"}},
        {
            "reward_type": "eur_bonus",
            "value": {"percent": "10", "of": "session.deposit_amount", "min": "1", "max": "50"},
        },
    ],
}
LOW_TIER: dict[str, Any] = {
    "name": "Everyone else",
    "rewards": [{"reward_type": "free_spins", "value": {"fixed": 5}}],
}


async def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


@pytest.fixture
async def catalog(client: httpx.AsyncClient) -> None:
    """The test tenant's reward types and three schemas."""
    for body in REWARD_TYPES:
        await ok(await client.post("/v1/reward-types", json=body), 201)
    for scope, properties in SCHEMAS.items():
        await ok(await client.put(f"/v1/schemas/{scope}", json={"properties": properties}))


async def create(client: httpx.AsyncClient, name: str = "Xmas", **fields: Any) -> dict[str, Any]:
    created: dict[str, Any] = await ok(
        await client.post("/v1/promotions", json={"name": name, **fields}), 201
    )
    return created


async def ready(client: httpx.AsyncClient, name: str = "Xmas", **fields: Any) -> dict[str, Any]:
    """A draft that satisfies every activation precondition."""
    promotion = await create(client, name, **fields)
    pid = promotion["id"]
    await ok(await client.put(f"/v1/promotions/{pid}/properties", json={"region": "EU"}))
    body: dict[str, Any] = await ok(
        await client.put(f"/v1/promotions/{pid}/tiers", json={"tiers": [HIGH_TIER, LOW_TIER]})
    )
    return body


async def in_state(client: httpx.AsyncClient, state: str, name: str = "Xmas") -> dict[str, Any]:
    """A promotion brought to ``state`` through the API."""
    promotion = await ready(client, name)
    pid = promotion["id"]
    path = {
        "draft": [],
        "active": ["activate"],
        "deactivated": ["activate", "deactivate"],
        "archived": ["archive"],
        "archived_after_activation": ["activate", "archive"],
    }[state]
    for action in path:
        promotion = await ok(await client.post(f"/v1/promotions/{pid}/{action}"))
    return promotion


async def audit(client: httpx.AsyncClient, object_id: str) -> list[dict[str, Any]]:
    body = await ok(
        await client.get("/v1/audit-log", params={"object_id": object_id, "limit": 200})
    )
    return list(reversed(body["items"]))  # oldest first
