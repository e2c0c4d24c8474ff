from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from openpromo.db import Database
from tests.conftest import TenantFixture, key_with_role, make_client, make_tenant


async def test_create_key_shows_it_once_and_stores_only_a_hash(
    client: httpx.AsyncClient, database: Database
) -> None:
    response = await client.post("/v1/api-keys", json={"name": "ci", "role": "integration"})
    assert response.status_code == 201
    created = response.json()
    assert created["api_key"].startswith(created["prefix"] + "_")
    assert created["role"] == "integration"
    listed = (await client.get("/v1/api-keys")).json()["items"]
    assert all("api_key" not in item for item in listed)
    assert created["id"] in [item["id"] for item in listed]
    from sqlalchemy import select

    from openpromo.models import ApiKey

    async with database.unit_of_work(write=False) as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.id == created["id"]))
    assert row is not None
    assert created["api_key"] not in (row.key_hash, row.prefix)
    assert len(row.key_hash) == 64


async def test_key_works_as_bearer_and_as_x_api_key(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    key = await key_with_role(client, "read_only")
    async with make_client(app, None) as anon:
        assert (
            await anon.get("/v1/tenant", headers={"Authorization": f"Bearer {key}"})
        ).status_code == 200
        assert (await anon.get("/v1/tenant", headers={"X-API-Key": key})).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer op_nope"}, {"X-API-Key": "x"}])
async def test_missing_or_invalid_key_is_401_problem(
    anon_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await anon_client.get("/v1/tenant", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] in {"missing_api_key", "invalid_api_key"}


async def test_revoked_key_is_refused(app: FastAPI, client: httpx.AsyncClient) -> None:
    created = (await client.post("/v1/api-keys", json={"role": "read_only"})).json()
    async with make_client(app, created["api_key"]) as other:
        assert (await other.get("/v1/tenant")).status_code == 200
        assert (await client.delete(f"/v1/api-keys/{created['id']}")).status_code == 204
        assert (await other.get("/v1/tenant")).status_code == 401
    entries = (await client.get("/v1/audit-log", params={"action": "api_key.revoke"})).json()
    assert [e["object_id"] for e in entries["items"]] == [created["id"]]


@pytest.mark.parametrize("role", ["read_only", "integration"])
async def test_non_admin_roles_cannot_manage_configuration(
    app: FastAPI, client: httpx.AsyncClient, role: str
) -> None:
    key = await key_with_role(client, role)
    async with make_client(app, key) as limited:
        assert (await limited.get("/v1/tenant")).status_code == 200
        for method, path, body in [
            ("PATCH", "/v1/tenant", {"name": "x"}),
            ("POST", "/v1/api-keys", {"role": "admin"}),
            ("GET", "/v1/api-keys", None),
        ]:
            response = await limited.request(method, path, json=body)
            assert response.status_code == 403, (method, path)
            assert response.json()["code"] == "insufficient_role"


async def test_unknown_role_is_422_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/api-keys", json={"role": "superuser"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "role"]


async def test_other_tenants_key_cannot_be_revoked(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    other = await make_tenant(database, "Other")
    async with make_client(app, other.admin_key) as other_client:
        other_key = (await other_client.post("/v1/api-keys", json={"role": "read_only"})).json()
        response = await client.delete(f"/v1/api-keys/{other_key['id']}")
        assert response.status_code == 404
        assert (await other_client.get("/v1/api-keys")).json()["items"][-1]["revoked_at"] is None


async def test_each_tenant_sees_only_its_own_data(
    app: FastAPI, client: httpx.AsyncClient, tenant: TenantFixture, database: Database
) -> None:
    other = await make_tenant(database, "Other tenant")
    async with make_client(app, other.admin_key) as other_client:
        assert (await other_client.get("/v1/tenant")).json()["id"] == other.id
        await other_client.post("/v1/api-keys", json={"name": "theirs", "role": "read_only"})
    assert (await client.get("/v1/tenant")).json()["id"] == tenant.id
    names = [k["name"] for k in (await client.get("/v1/api-keys")).json()["items"]]
    assert "theirs" not in names
    audit = (await client.get("/v1/audit-log", params={"limit": 200})).json()["items"]
    assert all(e["object_id"] != other.id for e in audit)
