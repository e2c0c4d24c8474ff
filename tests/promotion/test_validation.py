"""What each editing endpoint accepts, how it stores it, and the exact 422 locations."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.promotion.conftest import HIGH_TIER, LOW_TIER, create, ok

pytestmark = pytest.mark.usefixtures("catalog")


# -- tiers -------------------------------------------------------------------------------------


async def test_tiers_are_stored_normalised(client: httpx.AsyncClient) -> None:
    promotion = await create(client)
    body = await ok(
        await client.put(
            f"/v1/promotions/{promotion['id']}/tiers", json={"tiers": [HIGH_TIER, LOW_TIER]}
        )
    )
    high, low = body["tiers"]
    assert high["id"] == "high"
    assert high["name"] == "High depositors"
    assert high["rewards"][0] == {"reward_type": "free_spins", "value": {"fixed": "20"}}
    assert low["id"] == "tier-2"
    assert low["rewards"] == [{"reward_type": "free_spins", "value": {"fixed": "5"}}]
    assert body["version"] == 2
    # Saving the stored form again gives the same thing.
    again = await ok(
        await client.put(f"/v1/promotions/{promotion['id']}/tiers", json={"tiers": body["tiers"]})
    )
    assert again["tiers"] == body["tiers"]
    assert again["version"] == 3


@pytest.mark.parametrize(
    ("tiers", "loc", "error_type"),
    [
        (
            [
                LOW_TIER,
                {**LOW_TIER, "condition": {"property": "session.nope", "op": "eq", "value": "1"}},
            ],
            ["body", "tiers", 1, "condition", "property"],
            "unknown_property",
        ),
        (
            [
                {
                    **LOW_TIER,
                    "condition": {"property": "customer.country", "op": "gte", "value": "1"},
                }
            ],
            ["body", "tiers", 0, "condition", "op"],
            "invalid_operator",
        ),
        (
            [
                {
                    **LOW_TIER,
                    "condition": {
                        "all": [
                            {"property": "customer.country", "op": "eq", "value": "FR"},
                            {"property": "session.deposit_amount", "op": "gte", "value": "lots"},
                        ]
                    },
                }
            ],
            ["body", "tiers", 0, "condition", "all", 1, "value"],
            "invalid_value",
        ),
        (
            [{"rewards": [{"reward_type": "gold", "value": {"fixed": "1"}}]}],
            ["body", "tiers", 0, "rewards", 0, "reward_type"],
            "unknown_reward_type",
        ),
        (
            [{"rewards": []}],
            ["body", "tiers", 0, "rewards"],
            "invalid_value",
        ),
        (
            [{"id": "a", **LOW_TIER}, {"id": "a", **LOW_TIER}],
            ["body", "tiers", 1, "id"],
            "duplicate_id",
        ),
    ],
)
async def test_invalid_tiers_name_the_tier_and_path(
    client: httpx.AsyncClient, tiers: list[dict[str, Any]], loc: list[Any], error_type: str
) -> None:
    promotion = await create(client)
    response = await client.put(f"/v1/promotions/{promotion['id']}/tiers", json={"tiers": tiers})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["loc"] == loc
    assert problem["errors"][0]["type"] == error_type
    assert await ok(await client.get(f"/v1/promotions/{promotion['id']}")) == promotion


async def test_every_tier_problem_is_reported_at_once(client: httpx.AsyncClient) -> None:
    promotion = await create(client)
    response = await client.put(
        f"/v1/promotions/{promotion['id']}/tiers",
        json={
            "tiers": [
                {"rewards": [{"reward_type": "gold", "value": {"fixed": "1"}}]},
                {**LOW_TIER, "condition": {"property": "customer.nope", "op": "exists"}},
            ]
        },
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [
        ["body", "tiers", 0, "rewards", 0, "reward_type"],
        ["body", "tiers", 1, "condition", "property"],
    ]


async def test_tiers_body_shape(client: httpx.AsyncClient) -> None:
    promotion = await create(client)
    bare = await client.put(f"/v1/promotions/{promotion['id']}/tiers", json=[LOW_TIER])
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["loc"] == ["body"]
    missing = await client.put(f"/v1/promotions/{promotion['id']}/tiers", json={})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["body", "tiers"]
    emptied = await ok(
        await client.put(f"/v1/promotions/{promotion['id']}/tiers", json={"tiers": []})
    )
    assert emptied["tiers"] == []


# -- properties --------------------------------------------------------------------------------


async def test_properties_are_validated_and_replaced(client: httpx.AsyncClient) -> None:
    promotion = await create(client)
    pid = promotion["id"]
    body = await ok(
        await client.put(
            f"/v1/promotions/{pid}/properties",
            json={"region": "EU", "ab_variant": "b", "max_spins": "7"},
        )
    )
    assert body["properties"] == {"region": "EU", "ab_variant": "b", "max_spins": 7}
    # PUT replaces the whole object; null means unset. Required is enforced at activation only.
    body = await ok(await client.put(f"/v1/promotions/{pid}/properties", json={"ab_variant": None}))
    assert body["properties"] == {}
    assert body["version"] == 3


@pytest.mark.parametrize(
    ("values", "loc", "error_type"),
    [
        ({"nope": 1}, ["body", "nope"], "unknown_property"),
        ({"region": 5}, ["body", "region"], "invalid_type"),
        ({"ab_variant": "z"}, ["body", "ab_variant"], "not_allowed"),
        ({"max_spins": 0}, ["body", "max_spins"], "less_than_min"),
    ],
)
async def test_bad_property_values_are_named(
    client: httpx.AsyncClient, values: dict[str, Any], loc: list[Any], error_type: str
) -> None:
    promotion = await create(client)
    response = await client.put(f"/v1/promotions/{promotion['id']}/properties", json=values)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == loc
    assert response.json()["errors"][0]["type"] == error_type
    assert await ok(await client.get(f"/v1/promotions/{promotion['id']}")) == promotion


# -- reward constraints ------------------------------------------------------------------------


async def test_reward_constraints_are_stored_per_reward_type(client: httpx.AsyncClient) -> None:
    promotion = await create(client)
    body = await ok(
        await client.put(
            f"/v1/promotions/{promotion['id']}/reward-constraints",
            json={
                "eur_bonus": {
                    "min_value": "1",
                    "max_value": 50,
                    "per_customer": [{"window": "day", "max_value": "100", "max_grants": 3}],
                    "grant_expires_after": "P30D",
                },
                "free_spins": {},
            },
        )
    )
    eur = body["reward_constraints"]["eur_bonus"]
    assert (eur["min_value"], eur["max_value"]) == ("1", "50")
    assert eur["per_customer"] == [{"window": "day", "max_value": "100", "max_grants": 3}]
    assert eur["grant_expires_after"] == "P30D"
    assert set(body["reward_constraints"]) == {"eur_bonus", "free_spins"}


@pytest.mark.parametrize(
    ("constraints", "loc", "error_type"),
    [
        ({"gold": {}}, ["body", "gold"], "unknown_reward_type"),
        (
            {"free_spins": {"max_value": "1.5"}},
            ["body", "free_spins", "max_value"],
            "too_many_decimals",
        ),
        ({"eur_bonus": {"max_value": "-1"}}, ["body", "eur_bonus", "max_value"], "greater_than"),
        (
            {"eur_bonus": {"min_value": "10", "max_value": "5"}},
            ["body", "eur_bonus", "min_value"],
            "min_greater_than_max",
        ),
        (
            {"eur_bonus": {"per_customer": [{"window": "year", "max_grants": 1}]}},
            ["body", "eur_bonus", "per_customer", 0, "window"],
            "literal_error",
        ),
        ({"eur_bonus": {"colour": "red"}}, ["body", "eur_bonus", "colour"], "extra_forbidden"),
    ],
)
async def test_bad_reward_constraints_are_named(
    client: httpx.AsyncClient, constraints: dict[str, Any], loc: list[Any], error_type: str
) -> None:
    promotion = await create(client)
    response = await client.put(
        f"/v1/promotions/{promotion['id']}/reward-constraints", json=constraints
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == loc
    assert response.json()["errors"][0]["type"] == error_type
    assert await ok(await client.get(f"/v1/promotions/{promotion['id']}")) == promotion


# -- budgets -----------------------------------------------------------------------------------


async def test_budgets_are_stored_canonically(client: httpx.AsyncClient) -> None:
    promotion = await create(client)
    body = await ok(
        await client.put(
            f"/v1/promotions/{promotion['id']}/budgets",
            json={
                "audience_caps": [
                    {"window": "day", "limit": 1000},
                    {"window": "lifetime", "limit": 50000},
                ],
                "reward_budgets": [
                    {"reward_type": "eur_bonus", "window": "lifetime", "limit": "5000"},
                    {
                        "reward_type": "free_spins",
                        "window": "rolling_7d",
                        "limit": 700,
                        "on_exceed": "truncate",
                    },
                ],
                "audience_selection": {"method": "attribute", "property": "ltv"},
                "alert_thresholds": [1.0, 0.8, 0.8],
            },
        )
    )
    assert body["budgets"] == {
        "audience_caps": [
            {"window": "day", "limit": 1000},
            {"window": "lifetime", "limit": 50000},
        ],
        "reward_budgets": [
            {
                "reward_type": "eur_bonus",
                "window": "lifetime",
                "limit": "5000.00",
                "on_exceed": "reject",
            },
            {
                "reward_type": "free_spins",
                "window": "rolling_7d",
                "limit": "700",
                "on_exceed": "truncate",
            },
        ],
        "audience_selection": {"method": "attribute", "property": "ltv", "order": "desc"},
        "alert_thresholds": [0.8, 1.0],
    }


@pytest.mark.parametrize(
    ("budgets", "loc", "error_type"),
    [
        (
            {"audience_caps": [{"window": "year", "limit": 1}]},
            ["body", "audience_caps", 0, "window"],
            "literal_error",
        ),
        (
            {"audience_caps": [{"window": "day", "limit": 0}]},
            ["body", "audience_caps", 0, "limit"],
            "greater_than",
        ),
        (
            {"audience_caps": [{"window": "day", "limit": 1.5}]},
            ["body", "audience_caps", 0, "limit"],
            "int_type",
        ),
        (
            {"audience_caps": [{"window": "day", "limit": "10"}]},
            ["body", "audience_caps", 0, "limit"],
            "int_type",
        ),
        (
            {"audience_caps": [{"window": "day", "limit": 1}, {"window": "day", "limit": 2}]},
            ["body", "audience_caps", 1, "window"],
            "duplicate_window",
        ),
        (
            {"reward_budgets": [{"reward_type": "gold", "window": "day", "limit": "1"}]},
            ["body", "reward_budgets", 0, "reward_type"],
            "unknown_reward_type",
        ),
        (
            {"reward_budgets": [{"reward_type": "eur_bonus", "window": "day", "limit": "1.005"}]},
            ["body", "reward_budgets", 0, "limit"],
            "too_many_decimals",
        ),
        (
            {"reward_budgets": [{"reward_type": "eur_bonus", "window": "day", "limit": "0"}]},
            ["body", "reward_budgets", 0, "limit"],
            "value_error",
        ),
        (
            {"reward_budgets": [{"reward_type": "eur_bonus", "window": "day", "limit": True}]},
            ["body", "reward_budgets", 0, "limit"],
            "value_error",
        ),
        (
            {
                "reward_budgets": [
                    {
                        "reward_type": "eur_bonus",
                        "window": "day",
                        "limit": "1",
                        "on_exceed": "panic",
                    }
                ]
            },
            ["body", "reward_budgets", 0, "on_exceed"],
            "literal_error",
        ),
        (
            {
                "reward_budgets": [
                    {"reward_type": "eur_bonus", "window": "day", "limit": "1"},
                    {"reward_type": "eur_bonus", "window": "day", "limit": "2"},
                ]
            },
            ["body", "reward_budgets", 1, "window"],
            "duplicate_window",
        ),
        (
            {"audience_selection": {"method": "attribute", "property": "country"}},
            ["body", "audience_selection", "property"],
            "invalid_property_type",
        ),
        (
            {"audience_selection": {"method": "attribute", "property": "nope"}},
            ["body", "audience_selection", "property"],
            "unknown_property",
        ),
        (
            {"audience_selection": {"method": "attribute"}},
            ["body", "audience_selection"],
            "value_error",
        ),
        (
            {"audience_selection": {"method": "random", "order": "asc"}},
            ["body", "audience_selection"],
            "value_error",
        ),
        ({"alert_thresholds": [0]}, ["body", "alert_thresholds", 0], "greater_than"),
        ({"alert_thresholds": [0.5, 1.2]}, ["body", "alert_thresholds", 1], "less_than_equal"),
        ({"caps": []}, ["body", "caps"], "extra_forbidden"),
    ],
)
async def test_bad_budgets_are_named(
    client: httpx.AsyncClient, budgets: dict[str, Any], loc: list[Any], error_type: str
) -> None:
    promotion = await create(client)
    response = await client.put(f"/v1/promotions/{promotion['id']}/budgets", json=budgets)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == loc
    assert response.json()["errors"][0]["type"] == error_type
    assert await ok(await client.get(f"/v1/promotions/{promotion['id']}")) == promotion
