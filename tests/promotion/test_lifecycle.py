"""SPEC §4: transitions, the editability table, activation preconditions, versions, audit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.promotion.conftest import HIGH_TIER, LOW_TIER, audit, create, in_state, ok, ready

pytestmark = pytest.mark.usefixtures("catalog")

STATES = ["draft", "active", "deactivated", "archived"]


# -- transitions -------------------------------------------------------------------------------


async def test_full_lifecycle(client: httpx.AsyncClient) -> None:
    promotion = await ready(client)
    pid = promotion["id"]
    assert promotion["version"] == 3  # create, properties, tiers
    active = await ok(await client.post(f"/v1/promotions/{pid}/activate"))
    assert (active["status"], active["version"]) == ("active", 4)
    first_activated_at = active["first_activated_at"]
    assert first_activated_at is not None
    deactivated = await ok(await client.post(f"/v1/promotions/{pid}/deactivate"))
    assert (deactivated["status"], deactivated["version"]) == ("deactivated", 5)
    again = await ok(await client.post(f"/v1/promotions/{pid}/activate"))
    assert (again["status"], again["version"]) == ("active", 6)
    assert again["first_activated_at"] == first_activated_at
    archived = await ok(await client.post(f"/v1/promotions/{pid}/archive"))
    assert (archived["status"], archived["version"]) == ("archived", 7)
    assert archived["archived_at"] is not None
    actions = [e["action"] for e in await audit(client, pid)]
    assert actions == [
        "promotion.create",
        "promotion.set_properties",
        "promotion.set_tiers",
        "promotion.activate",
        "promotion.deactivate",
        "promotion.activate",
        "promotion.archive",
    ]
    entries = await audit(client, pid)
    assert entries[3]["before"]["status"] == "draft"
    assert entries[3]["after"]["status"] == "active"


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", "deactivate"),
        ("active", "activate"),
        ("deactivated", "deactivate"),
        ("archived", "activate"),
        ("archived", "deactivate"),
        ("archived", "archive"),
        ("archived_after_activation", "activate"),
    ],
)
async def test_invalid_transitions_are_refused(
    client: httpx.AsyncClient, state: str, action: str
) -> None:
    promotion = await in_state(client, state)
    response = await client.post(f"/v1/promotions/{promotion['id']}/{action}")
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "invalid_transition"
    after = await ok(await client.get(f"/v1/promotions/{promotion['id']}"))
    assert (after["status"], after["version"]) == (promotion["status"], promotion["version"])


@pytest.mark.parametrize("state", ["draft", "active", "deactivated"])
async def test_archive_from_every_live_state_also_by_delete(
    client: httpx.AsyncClient, state: str
) -> None:
    promotion = await in_state(client, state)
    response = await client.delete(f"/v1/promotions/{promotion['id']}")
    assert response.status_code == 204
    assert response.content == b""
    after = await ok(await client.get(f"/v1/promotions/{promotion['id']}"))
    assert after["status"] == "archived"
    assert after["version"] == promotion["version"] + 1
    assert (await audit(client, promotion["id"]))[-1]["action"] == "promotion.archive"


# -- editability table -------------------------------------------------------------------------

METADATA = ("patch", "", {"description": "changed"})
PROPERTIES = ("put", "/properties", {"region": "US"})
TIERS = ("put", "/tiers", {"tiers": [LOW_TIER]})
CONSTRAINTS = ("put", "/reward-constraints", {"free_spins": {"max_value": "100"}})
BUDGETS = ("put", "/budgets", {"audience_caps": [{"window": "day", "limit": 10}]})

# (edit, state) -> None when allowed, else the 409 code.
TABLE: dict[str, dict[str, str | None]] = {
    "metadata": {
        "draft": None,
        "active": None,
        "deactivated": None,
        "archived": "promotion_archived",
    },
    "properties": {
        "draft": None,
        "active": "properties_locked_while_active",
        "deactivated": None,
        "archived": "promotion_archived",
    },
    "tiers": {
        "draft": None,
        "active": "tiers_locked",
        "deactivated": "tiers_locked",
        "archived": "promotion_archived",
    },
    "constraints": {
        "draft": None,
        "active": None,
        "deactivated": None,
        "archived": "promotion_archived",
    },
    "budgets": {
        "draft": None,
        "active": None,
        "deactivated": None,
        "archived": "promotion_archived",
    },
}
EDITS = {
    "metadata": METADATA,
    "properties": PROPERTIES,
    "tiers": TIERS,
    "constraints": CONSTRAINTS,
    "budgets": BUDGETS,
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("edit", list(EDITS))
async def test_editability_table(client: httpx.AsyncClient, edit: str, state: str) -> None:
    promotion = await in_state(client, state)
    pid = promotion["id"]
    method, suffix, body = EDITS[edit]
    response = await client.request(method.upper(), f"/v1/promotions/{pid}{suffix}", json=body)
    refusal = TABLE[edit][state]
    after = await ok(await client.get(f"/v1/promotions/{pid}"))
    last_action = (await audit(client, pid))[-1]["action"]
    if refusal is None:
        assert response.status_code == 200, response.text
        assert response.json()["version"] == promotion["version"] + 1
        assert after == response.json()
        assert after["status"] == promotion["status"]
        assert (
            last_action
            == {
                "metadata": "promotion.update",
                "properties": "promotion.set_properties",
                "tiers": "promotion.set_tiers",
                "constraints": "promotion.set_reward_constraints",
                "budgets": "promotion.set_budgets",
            }[edit]
        )
    else:
        assert response.status_code == 409, response.text
        assert response.json()["code"] == refusal
        assert response.json()["detail"]
        assert after == promotion
        assert last_action != "promotion.set_" + edit


async def test_tiers_stay_frozen_after_archiving_an_activated_promotion(
    client: httpx.AsyncClient,
) -> None:
    promotion = await in_state(client, "archived_after_activation")
    response = await client.put(
        f"/v1/promotions/{promotion['id']}/tiers", json={"tiers": [LOW_TIER]}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "promotion_archived"


async def test_edits_on_an_active_promotion_are_audited_with_before_and_after(
    client: httpx.AsyncClient,
) -> None:
    promotion = await in_state(client, "active")
    pid = promotion["id"]
    await ok(
        await client.put(
            f"/v1/promotions/{pid}/budgets",
            json={"audience_caps": [{"window": "lifetime", "limit": 500}]},
        )
    )
    await ok(
        await client.put(
            f"/v1/promotions/{pid}/reward-constraints", json={"eur_bonus": {"max_value": "25"}}
        )
    )
    entries = await audit(client, pid)
    budgets, constraints = entries[-2], entries[-1]
    assert budgets["action"] == "promotion.set_budgets"
    assert budgets["before"]["budgets"]["audience_caps"] == []
    assert budgets["after"]["budgets"]["audience_caps"] == [{"window": "lifetime", "limit": 500}]
    assert (budgets["before"]["version"], budgets["after"]["version"]) == (
        promotion["version"],
        promotion["version"] + 1,
    )
    assert constraints["action"] == "promotion.set_reward_constraints"
    assert constraints["before"]["reward_constraints"] == {}
    assert constraints["after"]["reward_constraints"]["eur_bonus"]["max_value"] == "25"
    assert constraints["after"]["status"] == "active"


# -- activation preconditions ------------------------------------------------------------------


async def test_activating_an_empty_draft_lists_every_problem(client: httpx.AsyncClient) -> None:
    promotion = await create(client)
    response = await client.post(f"/v1/promotions/{promotion['id']}/activate")
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "activation_preconditions_failed"
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [
        (["tiers"], "no_tiers"),
        (["properties", "region"], "missing"),
    ]
    after = await ok(await client.get(f"/v1/promotions/{promotion['id']}"))
    assert (after["status"], after["version"], after["first_activated_at"]) == ("draft", 1, None)


async def test_activation_lists_archived_and_missing_references(
    client: httpx.AsyncClient,
) -> None:
    await ok(
        await client.post(
            "/v1/reward-types", json={"key": "coins", "name": "Coins", "category": "unit"}
        ),
        201,
    )
    await ok(
        await client.put(
            "/v1/schemas/customer",
            json={
                "properties": [
                    {"key": "country", "type": "string"},
                    {"key": "ltv", "type": "decimal"},
                    {"key": "vip_level", "type": "string"},
                    {"key": "signup", "type": "date"},
                ]
            },
        )
    )
    promotion = await create(client)
    pid = promotion["id"]
    tiers = [
        HIGH_TIER,
        {"id": "coins", "rewards": [{"reward_type": "coins", "value": {"fixed": "3"}}]},
    ]
    await ok(await client.put(f"/v1/promotions/{pid}/tiers", json={"tiers": tiers}))
    await ok(
        await client.put(
            f"/v1/promotions/{pid}/reward-constraints", json={"coins": {"max_value": "10"}}
        )
    )
    await ok(
        await client.put(
            f"/v1/promotions/{pid}/budgets",
            json={
                "reward_budgets": [
                    {"reward_type": "eur_bonus", "window": "day", "limit": "100"},
                    {"reward_type": "coins", "window": "lifetime", "limit": "1000"},
                ],
                "audience_selection": {
                    "method": "attribute",
                    "property": "signup",
                    "order": "asc",
                },
            },
        )
    )
    # Archiving a reward type that a draft uses is allowed; activation then refuses.
    await ok(await client.patch("/v1/reward-types/coins", json={"status": "archived"}))
    response = await client.post(f"/v1/promotions/{pid}/activate")
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "activation_preconditions_failed"
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [
        (["tiers", 1, "rewards", 0, "reward_type"], "reward_type_archived"),
        (["reward_constraints", "coins"], "reward_type_archived"),
        (["budgets", "reward_budgets", 1, "reward_type"], "reward_type_archived"),
        (["properties", "region"], "missing"),
    ]
    assert "4 problems" in problem["detail"]


async def test_activation_refuses_values_that_no_longer_fit_the_schema(
    client: httpx.AsyncClient,
) -> None:
    promotion = await ready(client)
    pid = promotion["id"]
    await ok(
        await client.put(
            f"/v1/promotions/{pid}/properties", json={"region": "EU", "ab_variant": "a"}
        )
    )
    schema: list[dict[str, Any]] = [
        {"key": "region", "type": "string", "required": True},
        {"key": "ab_variant", "type": "string", "allowed_values": ["b", "c"]},
        {"key": "max_spins", "type": "integer", "min": 1},
    ]
    await ok(await client.put("/v1/schemas/promotion", json={"properties": schema}))
    response = await client.post(f"/v1/promotions/{pid}/activate")
    assert response.status_code == 409
    assert [e["loc"] for e in response.json()["errors"]] == [["properties", "ab_variant"]]


# -- duplicate ---------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [*STATES, "archived_after_activation"])
async def test_duplicate_from_every_state(client: httpx.AsyncClient, state: str) -> None:
    source = await in_state(client, state)
    pid = source["id"]
    await ok(
        await client.put(
            f"/v1/promotions/{pid}/budgets",
            json={"audience_caps": [{"window": "day", "limit": 10}]},
        )
        if state not in ("archived", "archived_after_activation")
        else await client.get(f"/v1/promotions/{pid}")
    )
    source = await ok(await client.get(f"/v1/promotions/{pid}"))
    response = await client.post(f"/v1/promotions/{pid}/duplicate", json={})
    assert response.status_code == 201, response.text
    copy = response.json()
    assert copy["id"] != pid
    assert copy["status"] == "draft"
    assert copy["version"] == 1
    assert copy["first_activated_at"] is None
    assert copy["archived_at"] is None
    assert copy["name"] == "Xmas (copy)"
    assert copy["code"] == f"{source['code']}-copy"
    for field in ("description", "properties", "tiers", "reward_constraints", "budgets"):
        assert copy[field] == source[field], field
    # The copy is a fresh draft: tiers editable again, and it can be activated.
    await ok(await client.put(f"/v1/promotions/{copy['id']}/tiers", json={"tiers": [LOW_TIER]}))
    activated = await ok(await client.post(f"/v1/promotions/{copy['id']}/activate"))
    assert activated["status"] == "active"
    # The source is untouched.
    assert await ok(await client.get(f"/v1/promotions/{pid}")) == source
    entries = await audit(client, copy["id"])
    assert entries[0]["action"] == "promotion.duplicate"
    assert entries[0]["before"] == {"source_id": pid, "source_version": source["version"]}


async def test_duplicate_code_derivation_and_explicit_code(client: httpx.AsyncClient) -> None:
    source = await create(client, "Xmas", code="XMAS")
    pid = source["id"]
    first = await ok(await client.post(f"/v1/promotions/{pid}/duplicate", json={}), 201)
    second = await ok(await client.post(f"/v1/promotions/{pid}/duplicate"), 201)
    third = await ok(await client.post(f"/v1/promotions/{pid}/duplicate", json={}), 201)
    assert [first["code"], second["code"], third["code"]] == [
        "XMAS-copy",
        "XMAS-copy-2",
        "XMAS-copy-3",
    ]
    # An archived copy frees its code again.
    await ok(await client.post(f"/v1/promotions/{first['id']}/archive"))
    fourth = await ok(await client.post(f"/v1/promotions/{pid}/duplicate", json={}), 201)
    assert fourth["code"] == "XMAS-copy"
    given = await ok(
        await client.post(f"/v1/promotions/{pid}/duplicate", json={"code": "XMAS-2027"}), 201
    )
    assert given["code"] == "XMAS-2027"
    taken = await client.post(f"/v1/promotions/{pid}/duplicate", json={"code": "xmas-2027"})
    assert taken.status_code == 409
    assert taken.json()["code"] == "duplicate_code"
    assert taken.json()["errors"][0]["loc"] == ["body", "code"]
    bad = await client.post(f"/v1/promotions/{pid}/duplicate", json={"code": "no spaces"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "code"]


async def test_duplicate_of_a_long_code_stays_within_the_limit(client: httpx.AsyncClient) -> None:
    source = await create(client, "Long", code="L" * 100)
    copy = await ok(await client.post(f"/v1/promotions/{source['id']}/duplicate", json={}), 201)
    assert len(copy["code"]) <= 100
    assert copy["code"].endswith("-copy")
    again = await ok(await client.post(f"/v1/promotions/{source['id']}/duplicate", json={}), 201)
    assert again["code"] == copy["code"] + "-2"


async def test_duplicate_takes_no_promocodes(client: httpx.AsyncClient) -> None:
    source = await in_state(client, "active")
    code = await ok(
        await client.post(
            "/v1/promocodes",
            json={
                "name": "Xmas code",
                "type": "shared",
                "value": "XMAS26",
                "promotion_id": source["id"],
            },
        ),
        201,
    )
    copy = await ok(await client.post(f"/v1/promotions/{source['id']}/duplicate", json={}), 201)

    async def promocodes_of(promotion_id: str) -> list[str]:
        body = await ok(await client.get("/v1/promocodes", params={"promotion_id": promotion_id}))
        return [p["id"] for p in body["items"]]

    assert await promocodes_of(source["id"]) == [code["id"]]
    assert await promocodes_of(copy["id"]) == []


async def test_an_empty_patch_changes_nothing(client: httpx.AsyncClient) -> None:
    promotion = await create(client)
    same = await ok(await client.patch(f"/v1/promotions/{promotion['id']}", json={}))
    assert same == promotion
    assert [e["action"] for e in await audit(client, promotion["id"])] == ["promotion.create"]
