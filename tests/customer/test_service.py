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


def test_a_row_written_before_row_stamps_shows_its_per_value_stamps() -> None:
    from datetime import UTC, datetime

    from openpromo.customer.service import view_of
    from openpromo.models import Customer

    now = datetime(2026, 1, 2, tzinfo=UTC)
    legacy = Customer(
        tenant_id="t",
        customer_id="c",
        properties={"a": 1, "b": None},
        sources={"a": "i1767312000000000", "b": "i1767312000000000"},
        stamp=None,
        created_at=now,
        updated_at=now,
    )
    view = view_of(legacy)
    assert view.properties == {"a": 1}
    assert view.sources == {"a": {"source": "import", "updated_at": now}}
    current = Customer(
        tenant_id="t",
        customer_id="c",
        properties={"a": 1, "b": 2},
        sources={"b": "a1767312000000000"},
        stamp="s1767398400000000",
        created_at=now,
        updated_at=now,
    )
    assert {k: v["source"] for k, v in view_of(current).sources.items()} == {
        "a": "sync",
        "b": "api",
    }
