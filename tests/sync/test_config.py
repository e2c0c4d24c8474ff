from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from openpromo.db import Database
from openpromo.models import CustomerSyncConfig
from openpromo.sync.crypto import decrypt_secret
from tests.conftest import TenantFixture, key_with_role, make_client, make_tenant
from tests.customer.helpers import put_customer_schema

SQL_SOURCE = {
    "kind": "sql",
    "url": "postgresql://reader:p%40ss%3Aword@db.example:5432/crm",
    "query": "SELECT id AS customer_id, vip AS vip_level FROM players",
}


@pytest.fixture
async def schema(client: httpx.AsyncClient) -> None:
    await put_customer_schema(client)


async def _stored(database: Database, tenant_id: str) -> CustomerSyncConfig:
    async with database.unit_of_work(write=False) as session:
        row = await session.scalar(
            select(CustomerSyncConfig).where(CustomerSyncConfig.tenant_id == tenant_id)
        )
        assert row is not None
        return row


async def test_default_config(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/customer-sync")
    assert response.status_code == 200
    assert response.json() == {
        "enabled": False,
        "properties": [],
        "source": None,
        "schedule": None,
        "mode": "upsert",
        "next_run_at": None,
        "updated_at": None,
    }


async def test_put_and_get_with_schedule_in_tenant_timezone(
    client: httpx.AsyncClient, schema: None
) -> None:
    await client.patch("/v1/tenant", json={"timezone": "Europe/Paris"})
    body: dict[str, Any] = {
        "enabled": True,
        "properties": ["vip_level", "deposits"],
        "source": {"kind": "file", "url": "https://crm.example/customers.csv", "format": "csv"},
        "schedule": {"time": "03:00"},
        "mode": "replace",
    }
    response = await client.put("/v1/customer-sync", json=body)
    assert response.status_code == 200, response.text
    got = (await client.get("/v1/customer-sync")).json()
    assert got["enabled"] is True
    assert got["properties"] == ["vip_level", "deposits"]
    assert got["source"] == {
        "kind": "file",
        "url": "https://crm.example/customers.csv",
        "path": None,
        "format": "csv",
    }
    assert got["schedule"] == {"time": "03:00"}
    assert got["mode"] == "replace"
    # 03:00 in Paris is 01:00 or 02:00 UTC depending on the season.
    assert got["next_run_at"][11:] in ("01:00:00Z", "02:00:00Z")


async def test_password_is_encrypted_never_returned_and_kept_when_masked(
    client: httpx.AsyncClient, schema: None, tenant: TenantFixture, database: Database
) -> None:
    response = await client.put("/v1/customer-sync", json={"source": SQL_SOURCE})
    assert response.status_code == 200, response.text
    shown = response.json()["source"]["url"]
    assert shown == "postgresql://reader:***@db.example:5432/crm"
    assert "p@ss" not in response.text and "p%40ss" not in response.text
    assert (await client.get("/v1/customer-sync")).json()["source"]["url"] == shown
    stored = await _stored(database, tenant.id)
    assert stored.source is not None
    assert stored.source["url"] == shown
    assert stored.source_secret is not None
    assert "p@ss" not in stored.source_secret
    assert decrypt_secret(stored.source_secret) == "p@ss:word"
    # Sending the masked URL back (e.g. to change the query) keeps the password.
    again = await client.put(
        "/v1/customer-sync",
        json={"source": {**SQL_SOURCE, "url": shown, "query": "SELECT 1 AS customer_id"}},
    )
    assert again.status_code == 200
    kept = await _stored(database, tenant.id)
    assert kept.source_secret is not None
    assert decrypt_secret(kept.source_secret) == "p@ss:word"
    # A new password replaces it; a URL without one drops it.
    await client.put(
        "/v1/customer-sync",
        json={"source": {**SQL_SOURCE, "url": "postgresql://reader:new@db.example/crm"}},
    )
    replaced = await _stored(database, tenant.id)
    assert replaced.source_secret is not None
    assert decrypt_secret(replaced.source_secret) == "new"
    await client.put(
        "/v1/customer-sync", json={"source": {**SQL_SOURCE, "url": "sqlite:///tmp/x.db"}}
    )
    assert (await _stored(database, tenant.id)).source_secret is None
    # The audit log never sees the password either.
    audit = (await client.get("/v1/audit-log", params={"action": "customer_sync.update"})).json()
    assert len(audit["items"]) == 4
    assert "p@ss" not in str(audit) and "new@" not in str(audit)


async def test_masked_password_without_a_stored_one_is_refused(
    client: httpx.AsyncClient, schema: None
) -> None:
    response = await client.put(
        "/v1/customer-sync",
        json={"source": {**SQL_SOURCE, "url": "postgresql://reader:***@db.example/crm"}},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "source", "url"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"properties": ["nope"]}, ["body", "properties", 0]),
        ({"properties": ["deposits", "deposits"]}, ["body", "properties", 1]),
        ({"enabled": True}, ["body", "source"]),
        ({"schedule": {"time": "25:00"}}, ["body", "schedule", "time"]),
        ({"mode": "merge"}, ["body", "mode"]),
        ({"source": {"kind": "ftp"}}, ["body", "source"]),
        (
            {"source": {"kind": "file", "format": "csv"}},
            ["body", "source"],
        ),
        (
            {"source": {"kind": "file", "path": "/a", "url": "http://b", "format": "csv"}},
            ["body", "source"],
        ),
        (
            {"source": {"kind": "file", "url": "ftp://x/y.csv", "format": "csv"}},
            ["body", "source", "url"],
        ),
        (
            {"source": {"kind": "file", "path": "/a.xml", "format": "xml"}},
            ["body", "source", "file", "format"],
        ),
        (
            {"source": {"kind": "sql", "url": "not a url", "query": "select 1"}},
            ["body", "source", "url"],
        ),
        (
            {"source": {"kind": "sql", "url": "nosuchdb://x/y", "query": "select 1"}},
            ["body", "source", "url"],
        ),
        ({"unknown": 1}, ["body", "unknown"]),
    ],
)
async def test_invalid_config_is_refused(
    client: httpx.AsyncClient, schema: None, body: dict[str, Any], loc: list[Any]
) -> None:
    response = await client.put("/v1/customer-sync", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == loc
    assert (await client.get("/v1/customer-sync")).json()["updated_at"] is None


async def test_config_is_audited(client: httpx.AsyncClient, schema: None) -> None:
    await client.put("/v1/customer-sync", json={"properties": ["deposits"]})
    await client.put("/v1/customer-sync", json={"properties": ["vip_level"], "mode": "replace"})
    entries = (await client.get("/v1/audit-log", params={"action": "customer_sync.update"})).json()[
        "items"
    ]
    assert len(entries) == 2
    newest = entries[0]
    assert newest["object_type"] == "customer_sync"
    assert newest["before"]["properties"] == ["deposits"]
    assert newest["after"]["properties"] == ["vip_level"]
    assert newest["after"]["mode"] == "replace"
    assert entries[1]["before"] is None


async def test_roles_and_tenants(
    app: FastAPI, client: httpx.AsyncClient, schema: None, database: Database
) -> None:
    await client.put("/v1/customer-sync", json={"properties": ["deposits"]})
    integration = await key_with_role(client, "integration")
    async with make_client(app, integration) as http:
        assert (await http.get("/v1/customer-sync")).status_code == 403
        assert (await http.put("/v1/customer-sync", json={})).status_code == 403
        assert (await http.post("/v1/customer-sync/runs")).status_code == 403
        assert (await http.get("/v1/customer-sync/runs")).status_code == 200
    async with make_client(app, None) as http:
        assert (await http.get("/v1/customer-sync")).status_code == 401
    other = await make_tenant(database)
    async with make_client(app, other.admin_key) as http:
        assert (await http.get("/v1/customer-sync")).json()["properties"] == []
