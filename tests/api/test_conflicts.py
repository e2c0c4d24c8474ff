"""Every 409 names the objects that cause it, by id and code (issue 13, part 2).

One test per conflict kind, on real objects created through the API; each asserts the ids
(and codes) in ``conflicts``. Property-in-use conflicts are in tests/promotion/test_integrity.py
and the sync run conflict in tests/sync/test_runs.py.
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from openpromo.db import Database
from openpromo.errors import CONFLICTS_SHOWN
from tests.conftest import make_client, make_tenant
from tests.promotion.conftest import catalog, create, ok, ready

__all__ = ["catalog"]  # the fixture, used through pytestmark

pytestmark = pytest.mark.usefixtures("catalog")

Ref = tuple[str, str | None, str | None]


def named(response: httpx.Response, code: str) -> list[Ref]:
    """The (kind, id, code) of each object a 409 names; checks the status, code and total."""
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["code"] == code
    assert problem["conflicts_total"] == len(problem["conflicts"])
    return [(c["kind"], c["id"], c["code"]) for c in problem["conflicts"]]


def promotion(p: dict[str, Any]) -> Ref:
    return ("promotion", p["id"], p["code"])


async def test_reward_type_in_use_names_the_promotions(client: httpx.AsyncClient) -> None:
    xmas = await ready(client, "Xmas")  # its tiers reward eur_bonus
    welcome = await ready(client, "Welcome")
    response = await client.patch("/v1/reward-types/eur_bonus", json={"decimals": 3})
    assert named(response, "reward_type_in_use") == [promotion(welcome), promotion(xmas)]
    assert response.json()["conflicts"][0]["name"] == "Welcome"


async def test_duplicate_promotion_code_names_the_holder(client: httpx.AsyncClient) -> None:
    holder = await create(client, "Holder", code="SUMMER")
    other = await create(client, "Other")
    refused = await client.post("/v1/promotions", json={"name": "X", "code": "summer"})
    assert named(refused, "duplicate_code") == [promotion(holder)]
    assert refused.json()["errors"][0]["loc"] == ["body", "code"]
    renamed = await client.patch(f"/v1/promotions/{other['id']}", json={"code": "Summer"})
    assert named(renamed, "duplicate_code") == [promotion(holder)]
    copied = await client.post(f"/v1/promotions/{other['id']}/duplicate", json={"code": "SUMMER"})
    assert named(copied, "duplicate_code") == [promotion(holder)]


async def test_assigning_codes_to_an_archived_promotion_names_it(
    client: httpx.AsyncClient,
) -> None:
    old = await create(client, "Old", code="OLD")
    await ok(await client.post(f"/v1/promotions/{old['id']}/archive"))
    refused = await client.post(
        "/v1/promocodes",
        json={"name": "C", "type": "shared", "value": "ABC", "promotion_id": old["id"]},
    )
    assert named(refused, "promotion_archived") == [("promotion", old["id"], "OLD")]
    assert refused.json()["errors"][0]["loc"] == ["body", "promotion_id"]
    code = await ok(
        await client.post("/v1/promocodes", json={"name": "C", "type": "shared", "value": "ABC"}),
        201,
    )
    assigned = await client.put(
        f"/v1/promocodes/{code['id']}/promotion", json={"promotion_id": old["id"]}
    )
    assert named(assigned, "promotion_archived") == [("promotion", old["id"], "OLD")]


async def test_a_taken_promocode_value_names_its_promocode(client: httpx.AsyncClient) -> None:
    holder = await ok(
        await client.post(
            "/v1/promocodes", json={"name": "Holder", "type": "shared", "value": "WELCOME10"}
        ),
        201,
    )
    before = (await client.get("/v1/promocodes")).json()["items"]
    refused = await client.post(
        "/v1/promocodes", json={"name": "Again", "type": "single_use", "value": "welcome10"}
    )
    assert named(refused, "value_taken") == [("promocode", holder["id"], "WELCOME10")]
    assert refused.json()["conflicts"][0]["name"] == "Holder"
    assert (await client.get("/v1/promocodes")).json()["items"] == before


async def test_a_duplicate_campaign_external_id_names_the_campaign(
    client: httpx.AsyncClient,
) -> None:
    holder = await ok(
        await client.post("/v1/campaigns", json={"name": "Spring", "external_id": "crm-1"}), 201
    )
    refused = await client.post("/v1/campaigns", json={"name": "Copy", "external_id": "crm-1"})
    assert named(refused, "duplicate_external_id") == [("campaign", holder["id"], "crm-1")]
    other = await ok(await client.post("/v1/campaigns", json={"name": "Other"}), 201)
    patched = await client.patch(f"/v1/campaigns/{other['id']}", json={"external_id": "crm-1"})
    assert named(patched, "duplicate_external_id") == [("campaign", holder["id"], "crm-1")]


async def test_a_duplicate_reward_type_key_names_it(client: httpx.AsyncClient) -> None:
    refused = await client.post(
        "/v1/reward-types", json={"key": "free_spins", "name": "Again", "category": "unit"}
    )
    assert named(refused, "reward_type_exists") == [("reward_type", "free_spins", None)]


async def test_a_taken_email_names_the_user_of_this_tenant_only(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    email = f"ann-{secrets.token_hex(4)}@conflicts.example"  # e-mails are global: unique
    user = await ok(await client.post("/v1/users", json={"email": email, "role": "viewer"}), 201)
    again = await client.post("/v1/users", json={"email": email.upper(), "role": "editor"})
    assert named(again, "email_taken") == [("user", user["id"], None)]
    other = await make_tenant(database, "Other tenant")
    async with make_client(app, other.admin_key) as other_client:
        elsewhere = await other_client.post("/v1/users", json={"email": email, "role": "viewer"})
    assert elsewhere.status_code == 409
    # Another tenant's user is counted, never named.
    assert (elsewhere.json()["conflicts"], elsewhere.json()["conflicts_total"]) == ([], 1)


async def test_activation_names_the_archived_reward_types(client: httpx.AsyncClient) -> None:
    promo = await ready(client, "Xmas")
    await ok(await client.delete("/v1/reward-types/eur_bonus"), 204)  # used: archived
    refused = await client.post(f"/v1/promotions/{promo['id']}/activate")
    assert named(refused, "activation_preconditions_failed") == [("reward_type", "eur_bonus", None)]


async def test_state_conflicts_name_no_other_object(client: httpx.AsyncClient) -> None:
    """Conflicts with the object's own state carry an empty list and their own code."""
    promo = await ready(client, "Xmas")
    await ok(await client.post(f"/v1/promotions/{promo['id']}/activate"))
    locked = await client.put(f"/v1/promotions/{promo['id']}/tiers", json={"tiers": []})
    assert named(locked, "tiers_locked") == []
    again = await client.post(f"/v1/promotions/{promo['id']}/activate")
    assert named(again, "invalid_transition") == []
    shared = await ok(
        await client.post("/v1/promocodes", json={"name": "S", "type": "shared", "value": "S1"}),
        201,
    )
    upload = await client.post(
        f"/v1/promocodes/{shared['id']}/values",
        content=b"A1\n",
        headers={"content-type": "text/plain"},
    )
    assert named(upload, "not_bulk") == []


async def test_many_conflicting_objects_are_capped_with_a_total(
    client: httpx.AsyncClient,
) -> None:
    made = [await create(client, f"P{i:03}") for i in range(CONFLICTS_SHOWN + 3)]
    for p in made:
        await ok(await client.put(f"/v1/promotions/{p['id']}/properties", json={"ab_variant": "a"}))
    response = await client.delete("/v1/schemas/promotion/properties/ab_variant")
    assert response.status_code == 409
    problem = response.json()
    assert problem["conflicts_total"] == CONFLICTS_SHOWN + 3
    assert [c["id"] for c in problem["conflicts"]] == [p["id"] for p in made[:CONFLICTS_SHOWN]]
