from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from openpromo.db import Database
from tests.conftest import key_with_role, make_client, make_tenant


async def test_create_and_get_campaign(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/campaigns",
        json={
            "name": "Black Friday mailing",
            "external_id": "crm-42",
            "channel": "email",
            "starts_at": "2026-11-27T00:00:00Z",
            "ends_at": "2026-11-30T23:59:59+01:00",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Black Friday mailing"
    assert body["external_id"] == "crm-42"
    assert body["channel"] == "email"
    assert body["starts_at"] == "2026-11-27T00:00:00Z"
    assert body["ends_at"] == "2026-11-30T22:59:59Z"
    assert body["status"] == "active"
    assert (await client.get(f"/v1/campaigns/{body['id']}")).json() == body


async def test_minimal_campaign(client: httpx.AsyncClient) -> None:
    body = (await client.post("/v1/campaigns", json={"name": "Push"})).json()
    assert (body["external_id"], body["channel"], body["starts_at"], body["ends_at"]) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    [
        ({}, ["body", "name"], "missing"),
        ({"name": ""}, ["body", "name"], "string_too_short"),
        (
            {"name": "x", "starts_at": "2026-12-02T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"},
            ["body", "ends_at"],
            "date_order",
        ),
        (
            {"name": "x", "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"},
            ["body", "ends_at"],
            "date_order",
        ),
        (
            {"name": "x", "starts_at": "2026-12-01T00:00:00"},
            ["body", "starts_at"],
            "timezone_aware",
        ),
        ({"name": "x", "status": "running"}, ["body", "status"], "literal_error"),
        ({"name": "x", "budget": 1}, ["body", "budget"], "extra_forbidden"),
    ],
)
async def test_create_validation(
    client: httpx.AsyncClient, body: dict[str, Any], loc: list[str], error_type: str
) -> None:
    response = await client.post("/v1/campaigns", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == loc
    assert response.json()["errors"][0]["type"] == error_type


async def test_external_id_is_unique_per_tenant(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    first = (await client.post("/v1/campaigns", json={"name": "A", "external_id": "ext-1"})).json()
    response = await client.post("/v1/campaigns", json={"name": "B", "external_id": "ext-1"})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_external_id"
    assert first["id"] in response.json()["detail"]
    other = (await client.post("/v1/campaigns", json={"name": "C", "external_id": "ext-2"})).json()
    response = await client.patch(f"/v1/campaigns/{other['id']}", json={"external_id": "ext-1"})
    assert response.status_code == 409
    # Several campaigns without an external id are fine, and another tenant may reuse it.
    for _ in range(2):
        assert (await client.post("/v1/campaigns", json={"name": "N"})).status_code == 201
    other_tenant = await make_tenant(database)
    async with make_client(app, other_tenant.admin_key) as other_client:
        response = await other_client.post(
            "/v1/campaigns", json={"name": "A", "external_id": "ext-1"}
        )
        assert response.status_code == 201


async def test_patch_is_partial_audited_and_checks_dates(client: httpx.AsyncClient) -> None:
    campaign = (
        await client.post(
            "/v1/campaigns",
            json={"name": "Spring", "channel": "sms", "starts_at": "2026-03-01T00:00:00Z"},
        )
    ).json()
    url = f"/v1/campaigns/{campaign['id']}"
    response = await client.patch(url, json={"status": "paused", "channel": None})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["status"], body["channel"]) == ("Spring", "paused", None)
    response = await client.patch(url, json={"ends_at": "2026-02-01T00:00:00Z"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "ends_at"]
    response = await client.patch(url, json={"name": None})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "name"]
    entries = (await client.get("/v1/audit-log", params={"object_id": campaign["id"]})).json()[
        "items"
    ]
    assert [e["action"] for e in entries] == ["campaign.update", "campaign.create"]
    assert entries[0]["before"]["status"] == "active"
    assert entries[0]["after"]["status"] == "paused"
    assert entries[0]["before"]["channel"] == "sms"
    assert entries[0]["after"]["channel"] is None


async def test_list_filters_and_pagination(client: httpx.AsyncClient) -> None:
    ids = []
    for name, channel, status, external in [
        ("Email one", "email", "active", "E-1"),
        ("Sms one", "sms", "draft", None),
        ("Email two", "email", "ended", "E-2"),
    ]:
        body = {"name": name, "channel": channel, "status": status, "external_id": external}
        ids.append((await client.post("/v1/campaigns", json=body)).json()["id"])

    async def listed(**params: Any) -> list[str]:
        response = await client.get("/v1/campaigns", params=params)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["items"]]

    assert await listed() == ids
    assert await listed(channel="email") == [ids[0], ids[2]]
    assert await listed(status="draft") == [ids[1]]
    assert await listed(q="TWO") == [ids[2]]
    assert await listed(q="e-1") == [ids[0]]
    page = (await client.get("/v1/campaigns", params={"limit": 2})).json()
    assert [c["id"] for c in page["items"]] == ids[:2]
    rest = (
        await client.get("/v1/campaigns", params={"limit": 2, "cursor": page["next_cursor"]})
    ).json()
    assert [c["id"] for c in rest["items"]] == ids[2:]
    assert rest["next_cursor"] is None


async def test_roles_and_tenants(
    app: FastAPI, client: httpx.AsyncClient, anon_client: httpx.AsyncClient, database: Database
) -> None:
    campaign = (await client.post("/v1/campaigns", json={"name": "Mine"})).json()
    assert (await anon_client.get("/v1/campaigns")).status_code == 401
    for role in ("read_only", "integration"):
        key = await key_with_role(client, role)
        async with make_client(app, key) as limited:
            assert (await limited.get(f"/v1/campaigns/{campaign['id']}")).status_code == 200
            assert (await limited.post("/v1/campaigns", json={"name": "x"})).status_code == 403
            response = await limited.patch(f"/v1/campaigns/{campaign['id']}", json={"name": "x"})
            assert response.status_code == 403
    other = await make_tenant(database)
    async with make_client(app, other.admin_key) as other_client:
        assert (await other_client.get(f"/v1/campaigns/{campaign['id']}")).status_code == 404
        response = await other_client.patch(f"/v1/campaigns/{campaign['id']}", json={"name": "x"})
        assert response.status_code == 404
        assert (await other_client.get("/v1/campaigns")).json()["items"] == []
        # Nor can another tenant link it to its promocodes.
        code = (
            await other_client.post("/v1/promocodes", json={"name": "c", "type": "bulk"})
        ).json()
        response = await other_client.put(f"/v1/promocodes/{code['id']}/campaigns/{campaign['id']}")
        assert response.status_code == 404


async def test_create_is_idempotent_with_a_key(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "campaign-1"}
    first = await client.post("/v1/campaigns", json={"name": "Once"}, headers=headers)
    second = await client.post("/v1/campaigns", json={"name": "Once"}, headers=headers)
    assert first.json() == second.json()
    assert len((await client.get("/v1/campaigns")).json()["items"]) == 1
