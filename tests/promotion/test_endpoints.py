"""Create, read, list, metadata, code uniqueness, roles and tenant isolation."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from openpromo.db import Database
from tests.conftest import key_with_role, make_client, make_tenant
from tests.promotion.conftest import audit, create, ok

pytestmark = pytest.mark.usefixtures("catalog")


async def test_create_returns_a_draft_with_every_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/promotions", json={"name": "Xmas", "code": "XMAS-2026", "description": "Ho"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {
        "id",
        "name",
        "code",
        "description",
        "status",
        "version",
        "properties",
        "tiers",
        "reward_constraints",
        "budgets",
        "first_activated_at",
        "archived_at",
        "created_at",
        "updated_at",
    }
    assert (body["name"], body["code"], body["description"]) == ("Xmas", "XMAS-2026", "Ho")
    assert (body["status"], body["version"]) == ("draft", 1)
    assert body["properties"] == {}
    assert body["tiers"] == []
    assert body["reward_constraints"] == {}
    assert body["budgets"] == {
        "audience_caps": [],
        "reward_budgets": [],
        "audience_selection": {"method": "random"},
        "alert_thresholds": [],
    }
    assert body["first_activated_at"] is None
    assert body["archived_at"] is None
    assert (await ok(await client.get(f"/v1/promotions/{body['id']}"))) == body


async def test_code_is_derived_from_the_name_when_omitted(client: httpx.AsyncClient) -> None:
    first = await create(client, "Summer Sale 2026!")
    second = await create(client, "Summer sale 2026")
    assert first["code"] == "summer-sale-2026"
    assert second["code"] == "summer-sale-2026-2"


async def test_create_is_idempotent_with_a_key(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "create-xmas-1"}
    first = await client.post("/v1/promotions", json={"name": "Xmas"}, headers=headers)
    again = await client.post("/v1/promotions", json={"name": "Xmas"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    listed = await ok(await client.get("/v1/promotions"))
    assert [p["id"] for p in listed["items"]] == [first.json()["id"]]


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    [
        ({}, ["body", "name"], "missing"),
        ({"name": ""}, ["body", "name"], "string_too_short"),
        ({"name": "x" * 201}, ["body", "name"], "string_too_long"),
        ({"name": "X", "code": "has space"}, ["body", "code"], "string_pattern_mismatch"),
        ({"name": "X", "code": "-leading"}, ["body", "code"], "string_pattern_mismatch"),
        ({"name": "X", "code": "C" * 101}, ["body", "code"], "string_too_long"),
        ({"name": "X", "status": "active"}, ["body", "status"], "extra_forbidden"),
    ],
)
async def test_create_rejects_bad_fields(
    client: httpx.AsyncClient, body: dict[str, object], loc: list[object], error_type: str
) -> None:
    response = await client.post("/v1/promotions", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == loc
    assert response.json()["errors"][0]["type"] == error_type


async def test_code_is_unique_case_insensitively_among_live_promotions(
    client: httpx.AsyncClient,
) -> None:
    await create(client, "One", code="XMAS")
    response = await client.post("/v1/promotions", json={"name": "Two", "code": "xmas"})
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "duplicate_code"
    assert problem["errors"][0]["loc"] == ["body", "code"]
    other = await create(client, "Three", code="OTHER")
    patch = await client.patch(f"/v1/promotions/{other['id']}", json={"code": "Xmas"})
    assert patch.status_code == 409
    assert patch.json()["code"] == "duplicate_code"
    assert patch.json()["errors"][0]["loc"] == ["body", "code"]


async def test_an_archived_promotions_code_can_be_reused(client: httpx.AsyncClient) -> None:
    old = await create(client, "Old", code="XMAS")
    await ok(await client.delete(f"/v1/promotions/{old['id']}"), 204)
    new = await create(client, "New", code="xmas")
    assert new["code"] == "xmas"
    # Changing the case of one's own code is not a conflict.
    renamed = await ok(await client.patch(f"/v1/promotions/{new['id']}", json={"code": "XMAS"}))
    assert renamed["code"] == "XMAS"


async def test_other_tenants_may_use_the_same_code(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    await create(client, "Mine", code="XMAS")
    other = await make_tenant(database, "Other")
    async with make_client(app, other.admin_key) as http:
        theirs = await http.post("/v1/promotions", json={"name": "Theirs", "code": "XMAS"})
    assert theirs.status_code == 201


async def test_patch_updates_metadata_bumps_version_and_is_audited(
    client: httpx.AsyncClient,
) -> None:
    promotion = await create(client, "Xmas", code="XMAS")
    updated = await ok(
        await client.patch(
            f"/v1/promotions/{promotion['id']}",
            json={"name": "Xmas 2026", "description": "Better"},
        )
    )
    assert (updated["name"], updated["description"], updated["code"]) == (
        "Xmas 2026",
        "Better",
        "XMAS",
    )
    assert updated["version"] == 2
    entries = await audit(client, promotion["id"])
    assert [e["action"] for e in entries] == ["promotion.create", "promotion.update"]
    assert entries[1]["before"]["name"] == "Xmas"
    assert entries[1]["after"]["name"] == "Xmas 2026"
    assert entries[1]["before"]["version"] == 1
    assert entries[1]["after"]["version"] == 2


async def test_patch_refuses_null(client: httpx.AsyncClient) -> None:
    promotion = await create(client)
    response = await client.patch(f"/v1/promotions/{promotion['id']}", json={"name": None})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "name"]
    assert (await ok(await client.get(f"/v1/promotions/{promotion['id']}")))["version"] == 1


async def test_list_filters_by_status_and_search(client: httpx.AsyncClient) -> None:
    a = await create(client, "Winter bonus", code="WB")
    b = await create(client, "Summer", code="SUMMER-winter")
    c = await create(client, "Spring", code="SPRING")
    await ok(await client.post(f"/v1/promotions/{c['id']}/archive"))

    async def ids(**params: str) -> list[str]:
        body = await ok(await client.get("/v1/promotions", params=params))
        return [p["id"] for p in body["items"]]

    assert await ids() == [a["id"], b["id"], c["id"]]
    assert await ids(status="draft") == [a["id"], b["id"]]
    assert await ids(status="archived") == [c["id"]]
    assert await ids(q="WINTER") == [a["id"], b["id"]]
    assert await ids(q="spring", status="draft") == []
    assert await ids(q="%") == []
    bad = await client.get("/v1/promotions", params={"status": "paused"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "status"]


async def test_list_pages_without_gaps_or_duplicates(client: httpx.AsyncClient) -> None:
    created = [(await create(client, f"P{i}"))["id"] for i in range(7)]
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        body = await ok(await client.get("/v1/promotions", params=params))
        seen += [p["id"] for p in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == created
    assert pages == 3


async def test_roles(
    client: httpx.AsyncClient, app: FastAPI, anon_client: httpx.AsyncClient
) -> None:
    promotion = await create(client)
    pid = promotion["id"]
    assert (await anon_client.get("/v1/promotions")).status_code == 401
    assert (await anon_client.get(f"/v1/promotions/{pid}")).status_code == 401
    for role in ("read_only", "integration"):
        async with make_client(app, await key_with_role(client, role)) as http:
            assert (await http.get(f"/v1/promotions/{pid}")).status_code == 200
            assert (await http.get("/v1/promotions")).status_code == 200
            writes = [
                await http.post("/v1/promotions", json={"name": "Nope"}),
                await http.patch(f"/v1/promotions/{pid}", json={"name": "Nope"}),
                await http.put(f"/v1/promotions/{pid}/tiers", json={"tiers": []}),
                await http.put(f"/v1/promotions/{pid}/properties", json={}),
                await http.put(f"/v1/promotions/{pid}/budgets", json={}),
                await http.put(f"/v1/promotions/{pid}/reward-constraints", json={}),
                await http.post(f"/v1/promotions/{pid}/activate"),
                await http.post(f"/v1/promotions/{pid}/archive"),
                await http.post(f"/v1/promotions/{pid}/duplicate", json={}),
                await http.post(
                    f"/v1/promotions/{pid}/transaction", json={"commands": [{"command": "archive"}]}
                ),
                await http.delete(f"/v1/promotions/{pid}"),
            ]
            assert [w.status_code for w in writes] == [403] * len(writes)
            assert writes[0].json()["code"] == "insufficient_role"
    assert (await ok(await client.get(f"/v1/promotions/{pid}")))["version"] == 1


async def test_another_tenants_promotion_is_not_found(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    promotion = await create(client)
    pid = promotion["id"]
    other = await make_tenant(database, "Other")
    async with make_client(app, other.admin_key) as http:
        responses = [
            await http.get(f"/v1/promotions/{pid}"),
            await http.patch(f"/v1/promotions/{pid}", json={"name": "Mine now"}),
            await http.put(f"/v1/promotions/{pid}/properties", json={}),
            await http.put(f"/v1/promotions/{pid}/tiers", json={"tiers": []}),
            await http.put(f"/v1/promotions/{pid}/reward-constraints", json={}),
            await http.put(f"/v1/promotions/{pid}/budgets", json={}),
            await http.post(f"/v1/promotions/{pid}/activate"),
            await http.post(f"/v1/promotions/{pid}/deactivate"),
            await http.post(f"/v1/promotions/{pid}/archive"),
            await http.post(f"/v1/promotions/{pid}/duplicate", json={}),
            await http.post(
                f"/v1/promotions/{pid}/transaction", json={"commands": [{"command": "archive"}]}
            ),
            await http.delete(f"/v1/promotions/{pid}"),
        ]
        assert [r.status_code for r in responses] == [404] * len(responses)
        assert (await ok(await http.get("/v1/promotions")))["items"] == []
    assert (await ok(await client.get(f"/v1/promotions/{pid}")))["version"] == 1
    assert (await client.get("/v1/promotions/does-not-exist")).status_code == 404
