"""POST /v1/promotions/{id}/transaction: all or nothing, failures name the command."""

from __future__ import annotations

import httpx
import pytest

from tests.promotion.conftest import HIGH_TIER, LOW_TIER, audit, create, in_state, ok

pytestmark = pytest.mark.usefixtures("catalog")


async def test_a_transaction_applies_every_command_in_order(client: httpx.AsyncClient) -> None:
    promotion = await create(client, "Xmas", code="XMAS")
    pid = promotion["id"]
    response = await client.post(
        f"/v1/promotions/{pid}/transaction",
        json={
            "commands": [
                {"command": "set_metadata", "name": "Xmas 2026", "code": "XMAS-26"},
                {"command": "set_properties", "properties": {"region": "EU"}},
                {"command": "set_tiers", "tiers": [HIGH_TIER, LOW_TIER]},
                {
                    "command": "set_reward_constraints",
                    "reward_constraints": {"eur_bonus": {"max_value": "40"}},
                },
                {"command": "set_budgets", "budgets": {"alert_thresholds": [1, 0.8]}},
                {"command": "activate"},
            ]
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["code"], body["status"]) == ("Xmas 2026", "XMAS-26", "active")
    assert body["properties"] == {"region": "EU"}
    assert [t["id"] for t in body["tiers"]] == ["high", "tier-2"]
    assert body["reward_constraints"]["eur_bonus"]["max_value"] == "40"
    assert body["budgets"]["alert_thresholds"] == [0.8, 1.0]
    assert body["version"] == 7
    assert await ok(await client.get(f"/v1/promotions/{pid}")) == body
    actions = [e["action"] for e in await audit(client, pid)]
    assert actions == [
        "promotion.create",
        "promotion.update",
        "promotion.set_properties",
        "promotion.set_tiers",
        "promotion.set_reward_constraints",
        "promotion.set_budgets",
        "promotion.activate",
    ]


async def _assert_untouched(client: httpx.AsyncClient, before: dict[str, object]) -> None:
    after = await ok(await client.get(f"/v1/promotions/{before['id']}"))
    assert after == before
    assert [e["action"] for e in await audit(client, str(before["id"]))][-1] in (
        "promotion.create",
        "promotion.set_tiers",
        "promotion.activate",
        "promotion.set_properties",
    )


async def test_a_failing_command_rolls_everything_back_and_is_named(
    client: httpx.AsyncClient,
) -> None:
    promotion = await create(client, "Xmas", code="XMAS")
    audit_before = await audit(client, promotion["id"])
    response = await client.post(
        f"/v1/promotions/{promotion['id']}/transaction",
        json={
            "commands": [
                {"command": "set_metadata", "name": "Renamed"},
                {"command": "set_tiers", "tiers": [LOW_TIER]},
                {"command": "activate"},  # fails: region is required
                {"command": "set_metadata", "description": "never reached"},
            ]
        },
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "activation_preconditions_failed"
    assert problem["failed_command"] == 2
    assert problem["detail"].startswith("command 2 (activate) failed, nothing was applied")
    assert [e["loc"] for e in problem["errors"]] == [["commands", 2, "properties", "region"]]
    assert await ok(await client.get(f"/v1/promotions/{promotion['id']}")) == promotion
    assert await audit(client, promotion["id"]) == audit_before


async def test_tier_errors_in_a_transaction_carry_the_command_path(
    client: httpx.AsyncClient,
) -> None:
    promotion = await create(client)
    bad_tier = {
        "condition": {"property": "session.nope", "op": "eq", "value": "x"},
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": "1"}}],
    }
    response = await client.post(
        f"/v1/promotions/{promotion['id']}/transaction",
        json={
            "commands": [
                {"command": "set_properties", "properties": {"region": "EU"}},
                {"command": "set_tiers", "tiers": [LOW_TIER, bad_tier]},
            ]
        },
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["failed_command"] == 1
    assert problem["errors"][0]["loc"] == ["commands", 1, "tiers", 1, "condition", "property"]
    assert problem["errors"][0]["type"] == "unknown_property"
    assert await ok(await client.get(f"/v1/promotions/{promotion['id']}")) == promotion


@pytest.mark.parametrize(
    ("command", "loc", "error_type"),
    [
        ({"command": "explode"}, ["commands", 1], "union_tag_invalid"),
        ({"name": "no command"}, ["commands", 1], "union_tag_not_found"),
        ({"command": "set_tiers"}, ["commands", 1, "tiers"], "missing"),
        ({"command": "set_metadata", "name": ""}, ["commands", 1, "name"], "string_too_short"),
        ({"command": "activate", "force": True}, ["commands", 1, "force"], "extra_forbidden"),
        (
            {"command": "set_properties", "properties": {"region": 5}},
            ["commands", 1, "properties", "region"],
            "invalid_type",
        ),
        (
            {"command": "set_budgets", "budgets": {"audience_caps": [{"window": "year"}]}},
            ["commands", 1, "budgets", "audience_caps", 0, "window"],
            "literal_error",
        ),
        (
            {
                "command": "set_reward_constraints",
                "reward_constraints": {"eur_bonus": {"max_value": "1.001"}},
            },
            ["commands", 1, "reward_constraints", "eur_bonus", "max_value"],
            "too_many_decimals",
        ),
        (
            {"command": "set_reward_constraints", "reward_constraints": {"gold": {}}},
            ["commands", 1, "reward_constraints", "gold"],
            "unknown_reward_type",
        ),
    ],
)
async def test_invalid_commands_are_named(
    client: httpx.AsyncClient, command: dict[str, object], loc: list[object], error_type: str
) -> None:
    promotion = await create(client)
    response = await client.post(
        f"/v1/promotions/{promotion['id']}/transaction",
        json={"commands": [{"command": "set_metadata", "name": "Changed"}, command]},
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["loc"] == loc
    assert problem["errors"][0]["type"] == error_type
    assert problem["failed_command"] == 1
    assert await ok(await client.get(f"/v1/promotions/{promotion['id']}")) == promotion


async def test_state_refusals_inside_a_transaction_name_the_command(
    client: httpx.AsyncClient,
) -> None:
    promotion = await in_state(client, "active")
    response = await client.post(
        f"/v1/promotions/{promotion['id']}/transaction",
        json={
            "commands": [
                {"command": "set_budgets", "budgets": {}},
                {"command": "deactivate"},
                {"command": "set_tiers", "tiers": [LOW_TIER]},
            ]
        },
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "tiers_locked"
    assert problem["errors"][0]["loc"] == ["commands", 2]
    assert problem["errors"][0]["type"] == "tiers_locked"
    await _assert_untouched(client, promotion)


async def test_a_transaction_can_deactivate_edit_properties_and_reactivate(
    client: httpx.AsyncClient,
) -> None:
    promotion = await in_state(client, "active")
    body = await ok(
        await client.post(
            f"/v1/promotions/{promotion['id']}/transaction",
            json={
                "commands": [
                    {"command": "deactivate"},
                    {"command": "set_properties", "properties": {"region": "US"}},
                    {"command": "activate"},
                ]
            },
        )
    )
    assert (body["status"], body["properties"]) == ("active", {"region": "US"})
    assert body["version"] == promotion["version"] + 3


async def test_empty_or_oversized_transactions_are_refused(client: httpx.AsyncClient) -> None:
    promotion = await create(client)
    empty = await client.post(
        f"/v1/promotions/{promotion['id']}/transaction", json={"commands": []}
    )
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["loc"] == ["body", "commands"]
    many = await client.post(
        f"/v1/promotions/{promotion['id']}/transaction",
        json={"commands": [{"command": "set_metadata", "name": "x"}] * 51},
    )
    assert many.status_code == 422
    assert many.json()["errors"][0]["loc"] == ["body", "commands"]
