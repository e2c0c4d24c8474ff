"""Referential integrity: schemas and reward types refuse to break what promotions use."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.promotion.conftest import HIGH_TIER, LOW_TIER, SCHEMAS, create, ok, ready

pytestmark = pytest.mark.usefixtures("catalog")


def conflicts(response: httpx.Response) -> list[tuple[str, str, str, str]]:
    """(kind, id, code, name) of each object the 409 names; its total must match."""
    problem = response.json()
    assert problem["conflicts_total"] == len(problem["conflicts"])
    return [(c["kind"], c["id"], c["code"], c["name"]) for c in problem["conflicts"]]


def ref(promotion: dict[str, Any]) -> tuple[str, str, str, str]:
    return ("promotion", promotion["id"], promotion["code"], promotion["name"])


def _without(scope: str, key: str) -> dict[str, Any]:
    return {"properties": [p for p in SCHEMAS[scope] if p["key"] != key]}


def _retyped(scope: str, key: str, type_: str) -> dict[str, Any]:
    return {
        "properties": [
            {"key": p["key"], "type": type_} if p["key"] == key else p for p in SCHEMAS[scope]
        ]
    }


async def test_a_property_used_in_a_tier_cannot_be_deleted_or_retyped(
    client: httpx.AsyncClient,
) -> None:
    xmas = await ready(client, "Xmas")  # HIGH_TIER reads session.deposit_amount, customer.country
    deleted = await client.delete("/v1/schemas/session/properties/deposit_amount")
    assert deleted.status_code == 409
    assert deleted.json()["code"] == "property_in_use"
    assert conflicts(deleted) == [ref(xmas)]
    retyped = await client.put(
        "/v1/schemas/customer", json=_retyped("customer", "country", "integer")
    )
    assert retyped.status_code == 409
    assert conflicts(retyped) == [ref(xmas)]
    # An unused property of the same scope is free to go.
    await ok(await client.delete("/v1/schemas/session/properties/channel"), 204)


async def test_property_values_and_audience_selection_count_as_uses(
    client: httpx.AsyncClient,
) -> None:
    promotion = await create(client, "Values")
    pid = promotion["id"]
    await ok(await client.put(f"/v1/promotions/{pid}/properties", json={"ab_variant": "a"}))
    await ok(
        await client.put(
            f"/v1/promotions/{pid}/budgets",
            json={"audience_selection": {"method": "attribute", "property": "ltv"}},
        )
    )
    used = await client.delete("/v1/schemas/promotion/properties/ab_variant")
    assert used.status_code == 409
    assert conflicts(used) == [ref(promotion)]
    used = await client.delete("/v1/schemas/customer/properties/ltv")
    assert used.status_code == 409
    # Once the promotion stops using them, they can go.
    await ok(await client.put(f"/v1/promotions/{pid}/properties", json={}))
    await ok(await client.put(f"/v1/promotions/{pid}/budgets", json={}))
    await ok(await client.delete("/v1/schemas/promotion/properties/ab_variant"), 204)
    await ok(await client.delete("/v1/schemas/customer/properties/ltv"), 204)


async def test_archived_promotions_do_not_pin_properties(client: httpx.AsyncClient) -> None:
    promotion = await ready(client, "Old")
    await ok(await client.post(f"/v1/promotions/{promotion['id']}/archive"))
    await ok(await client.delete("/v1/schemas/session/properties/deposit_amount"), 204)


async def test_every_using_promotion_is_named(client: httpx.AsyncClient) -> None:
    b = await ready(client, "B promo")
    a = await ready(client, "A promo")
    response = await client.delete("/v1/schemas/customer/properties/country")
    assert response.status_code == 409
    assert conflicts(response) == [ref(a), ref(b)]


@pytest.mark.parametrize("use", ["tier", "constraints", "budget"])
async def test_deleting_a_used_reward_type_archives_it(client: httpx.AsyncClient, use: str) -> None:
    await ok(
        await client.post(
            "/v1/reward-types", json={"key": "coins", "name": "Coins", "category": "unit"}
        ),
        201,
    )
    promotion = await create(client, "Coins promo")
    pid = promotion["id"]
    if use == "tier":
        tier = {"rewards": [{"reward_type": "coins", "value": {"fixed": "1"}}]}
        await ok(await client.put(f"/v1/promotions/{pid}/tiers", json={"tiers": [tier]}))
    elif use == "constraints":
        await ok(await client.put(f"/v1/promotions/{pid}/reward-constraints", json={"coins": {}}))
    else:
        await ok(
            await client.put(
                f"/v1/promotions/{pid}/budgets",
                json={"reward_budgets": [{"reward_type": "coins", "window": "day", "limit": 5}]},
            )
        )
    await ok(await client.delete("/v1/reward-types/coins"), 204)
    coins = await ok(await client.get("/v1/reward-types/coins"))
    assert coins["status"] == "archived"


async def test_an_unused_reward_type_is_deleted(client: httpx.AsyncClient) -> None:
    await ready(client)  # uses free_spins and eur_bonus only
    await ok(
        await client.post(
            "/v1/reward-types", json={"key": "coins", "name": "Coins", "category": "unit"}
        ),
        201,
    )
    await ok(await client.delete("/v1/reward-types/coins"), 204)
    assert (await client.get("/v1/reward-types/coins")).status_code == 404


async def test_references_follow_replaced_tiers(client: httpx.AsyncClient) -> None:
    promotion = await create(client, "Moving")
    pid = promotion["id"]
    await ok(await client.put(f"/v1/promotions/{pid}/tiers", json={"tiers": [HIGH_TIER]}))
    assert (await client.delete("/v1/schemas/customer/properties/country")).status_code == 409
    await ok(await client.put(f"/v1/promotions/{pid}/tiers", json={"tiers": [LOW_TIER]}))
    await ok(await client.delete("/v1/schemas/customer/properties/country"), 204)
