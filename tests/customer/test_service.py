from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.customer import service as customer_module
from openpromo.customer.service import customer_service
from openpromo.db import Database
from tests.conftest import TenantFixture
from tests.customer.helpers import put_customer_schema


async def test_load_properties_gives_typed_values(
    client: httpx.AsyncClient, tenant: TenantFixture, database: Database
) -> None:
    await put_customer_schema(client)
    await client.put(
        "/v1/customers/t1",
        json={
            "properties": {
                "ltv": "10.50",
                "birth_date": "1990-02-03",
                "deposits": 4,
                "newsletter": True,
                "tags": ["a"],
            }
        },
    )
    async with database.unit_of_work(write=False) as session:
        loaded = await customer_service.load_properties(session, tenant.id, ["t1", "nobody"])
    assert loaded == {
        "t1": {
            "ltv": Decimal("10.50"),
            "birth_date": date(1990, 2, 3),
            "deposits": 4,
            "newsletter": True,
            "tags": ["a"],
        }
    }


async def test_load_properties_chunks_large_id_lists(
    client: httpx.AsyncClient, tenant: TenantFixture, database: Database
) -> None:
    await put_customer_schema(client)
    lines = "".join(f'{{"customer_id": "bulk-{i}", "deposits": {i}}}\n' for i in range(2_500))
    response = await client.post(
        "/v1/customers/import", content=lines, headers={"content-type": "application/x-ndjson"}
    )
    assert response.json()["rows_upserted"] == 2_500
    ids = [f"bulk-{i}" for i in range(2_600)]
    async with database.unit_of_work(write=False) as session:
        loaded = await customer_service.load_properties(session, tenant.id, ids)
    assert len(loaded) == 2_500
    assert loaded["bulk-2499"] == {"deposits": 2_499}


async def test_load_properties_skips_values_of_removed_properties(
    client: httpx.AsyncClient, tenant: TenantFixture, database: Database
) -> None:
    await put_customer_schema(client)
    await client.put("/v1/customers/t2", json={"properties": {"country": "FR", "deposits": 1}})
    await put_customer_schema(client, [{"key": "deposits", "type": "integer"}])
    async with database.unit_of_work(write=False) as session:
        loaded = await customer_service.load_properties(session, tenant.id, ["t2"])
    assert loaded == {"t2": {"deposits": 1}}


async def test_grants_summary_hook(
    app: FastAPI, client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    await put_customer_schema(client)
    await client.put("/v1/customers/g1", json={"properties": {"deposits": 1}})

    async def provider(session: AsyncSession, tenant_id: str, customer_id: str) -> dict[str, Any]:
        return {"grants_count": 2, "tenant_matches": tenant_id == tenant.id, "id": customer_id}

    customer_module.register_grants_summary_provider(provider)
    try:
        got = (await client.get("/v1/customers/g1")).json()
    finally:
        customer_module.register_grants_summary_provider(None)
    assert got["grants"] == {"grants_count": 2, "tenant_matches": True, "id": "g1"}
    assert "grants" not in (await client.get("/v1/customers/g1")).json()
