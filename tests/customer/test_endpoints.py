from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import TenantFixture, key_with_role, make_client, make_tenant
from tests.customer.helpers import put_customer_schema


@pytest.fixture
async def schema(client: httpx.AsyncClient) -> None:
    await put_customer_schema(client)


async def test_put_creates_then_merges(client: httpx.AsyncClient, schema: None) -> None:
    first = await client.put(
        "/v1/customers/c-1",
        json={"properties": {"vip_level": "gold", "ltv": 12.5, "birth_date": "1990-02-03"}},
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["customer_id"] == "c-1"
    assert body["properties"] == {"vip_level": "gold", "ltv": "12.5", "birth_date": "1990-02-03"}
    assert body["not_synchronised"] == []
    assert body["sources"]["vip_level"]["source"] == "api"
    second = await client.put(
        "/v1/customers/c-1", json={"properties": {"deposits": "3", "tags": ["a", "b"]}}
    )
    assert second.status_code == 200, second.text
    got = (await client.get("/v1/customers/c-1")).json()
    assert got["properties"] == {
        "vip_level": "gold",
        "ltv": "12.5",
        "birth_date": "1990-02-03",
        "deposits": 3,
        "tags": ["a", "b"],
    }
    assert set(got["sources"]) == {"vip_level", "ltv", "birth_date", "deposits", "tags"}
    assert got["sources"]["deposits"]["updated_at"] >= got["sources"]["vip_level"]["updated_at"]
    assert "grants" not in got
    assert got["created_at"] == body["created_at"]


async def test_null_removes_a_value(client: httpx.AsyncClient, schema: None) -> None:
    await client.put("/v1/customers/c-2", json={"properties": {"vip_level": "gold", "ltv": "3"}})
    response = await client.put("/v1/customers/c-2", json={"properties": {"ltv": None}})
    assert response.status_code == 200
    got = (await client.get("/v1/customers/c-2")).json()
    assert got["properties"] == {"vip_level": "gold"}
    assert set(got["sources"]) == {"vip_level"}


async def test_each_value_keeps_the_source_and_time_of_the_write_that_set_it(
    client: httpx.AsyncClient, schema: None
) -> None:
    """One stamp per row plus the stamps of values later writes left alone (models.Customer)."""
    await client.put("/v1/customers/c-4", json={"properties": {"vip_level": "gold", "ltv": "1"}})
    first = (await client.get("/v1/customers/c-4")).json()["sources"]
    await client.put("/v1/customers/c-4", json={"properties": {"deposits": 2}})
    second = (await client.get("/v1/customers/c-4")).json()["sources"]
    assert second["vip_level"] == first["vip_level"]
    assert second["ltv"] == first["ltv"]
    assert second["deposits"]["source"] == "api"
    assert second["deposits"]["updated_at"] > first["vip_level"]["updated_at"]
    imported = await client.post(
        "/v1/customers/import",
        content=b'{"customer_id": "c-4", "ltv": "5", "vip_level": null}\n',
        headers={"content-type": "application/x-ndjson"},
    )
    assert imported.json()["rows_upserted"] == 1, imported.text
    got = (await client.get("/v1/customers/c-4")).json()
    assert got["properties"] == {"ltv": "5", "deposits": 2}
    assert set(got["sources"]) == {"ltv", "deposits"}
    assert got["sources"]["ltv"]["source"] == "import"
    assert got["sources"]["ltv"]["updated_at"] > second["deposits"]["updated_at"]
    assert got["sources"]["deposits"] == second["deposits"]
    # A write of the same values again moves their stamps, and only theirs.
    await client.put("/v1/customers/c-4", json={"properties": {"deposits": 2}})
    last = (await client.get("/v1/customers/c-4")).json()["sources"]
    assert last["ltv"] == got["sources"]["ltv"]
    assert last["deposits"]["updated_at"] > got["sources"]["ltv"]["updated_at"]


async def test_bad_value_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, schema: None
) -> None:
    response = await client.put(
        "/v1/customers/c-3", json={"properties": {"vip_level": "gold", "deposits": "many"}}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["loc"] == ["body", "properties", "deposits"]
    assert problem["errors"][0]["msg"] == "deposits: expected integer, got 'many'"
    assert (await client.get("/v1/customers/c-3")).status_code == 404


async def test_unknown_property_is_an_error(client: httpx.AsyncClient, schema: None) -> None:
    response = await client.put("/v1/customers/c-4", json={"properties": {"shoe_size": 42}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "properties", "shoe_size"]
    assert response.json()["errors"][0]["type"] == "unknown_property"


async def test_body_must_have_properties(client: httpx.AsyncClient, schema: None) -> None:
    response = await client.put("/v1/customers/c-4", json={"vip_level": "gold"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "properties"]


async def test_customer_id_too_long(client: httpx.AsyncClient, schema: None) -> None:
    response = await client.put("/v1/customers/" + "x" * 129, json={"properties": {}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["path", "customer_id"]


async def test_not_synchronised_properties_are_reported_not_stored(
    client: httpx.AsyncClient, schema: None
) -> None:
    config = await client.put("/v1/customer-sync", json={"properties": ["vip_level"]})
    assert config.status_code == 200, config.text
    response = await client.put(
        "/v1/customers/c-5", json={"properties": {"vip_level": "silver", "ltv": "9.5"}}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["properties"] == {"vip_level": "silver"}
    assert body["not_synchronised"] == ["ltv"]
    assert body["warnings"] == [
        "property 'ltv' is in the customer schema but not synchronised: not stored"
    ]


async def test_list_prefix_search_and_cursor(client: httpx.AsyncClient, schema: None) -> None:
    for customer_id in ["alice", "alfred", "bob", "al_x", "al%y"]:
        await client.put(f"/v1/customers/{customer_id}", json={"properties": {"deposits": 1}})
    page = (await client.get("/v1/customers", params={"q": "al", "limit": 2})).json()
    assert [c["customer_id"] for c in page["items"]] == ["al%y", "al_x"]
    assert page["next_cursor"] is not None
    rest = (
        await client.get(
            "/v1/customers", params={"q": "al", "limit": 2, "cursor": page["next_cursor"]}
        )
    ).json()
    assert [c["customer_id"] for c in rest["items"]] == ["alfred", "alice"]
    assert rest["next_cursor"] is None
    # LIKE wildcards in q are literal characters.
    escaped = (await client.get("/v1/customers", params={"q": "al_"})).json()
    assert [c["customer_id"] for c in escaped["items"]] == ["al_x"]
    everything = (await client.get("/v1/customers")).json()
    assert len(everything["items"]) == 5


async def test_bad_cursor(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/customers", params={"cursor": "!!!"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]


async def test_unknown_customer_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/customers/nobody")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_roles(app: FastAPI, client: httpx.AsyncClient, schema: None) -> None:
    read_only = await key_with_role(client, "read_only")
    integration = await key_with_role(client, "integration")
    async with make_client(app, integration) as http:
        response = await http.put("/v1/customers/r-1", json={"properties": {"deposits": 2}})
        assert response.status_code == 200
        imported = await http.post(
            "/v1/customers/import",
            content=b'{"customer_id": "r-2"}\n',
            headers={"content-type": "application/x-ndjson"},
        )
        assert imported.status_code == 200
    async with make_client(app, read_only) as http:
        assert (await http.get("/v1/customers/r-1")).status_code == 200
        assert (await http.get("/v1/customers")).status_code == 200
        refused = await http.put("/v1/customers/r-1", json={"properties": {"deposits": 3}})
        assert refused.status_code == 403
        assert refused.json()["code"] == "insufficient_role"
        refused_import = await http.post(
            "/v1/customers/import",
            content=b'{"customer_id": "r-3"}\n',
            headers={"content-type": "application/x-ndjson"},
        )
        assert refused_import.status_code == 403
    async with make_client(app, None) as http:
        assert (await http.get("/v1/customers/r-1")).status_code == 401
        assert (await http.put("/v1/customers/r-1", json={"properties": {}})).status_code == 401


async def test_other_tenants_customers_are_invisible(
    app: FastAPI, client: httpx.AsyncClient, tenant: TenantFixture, schema: None, database: object
) -> None:
    await client.put("/v1/customers/shared-id", json={"properties": {"deposits": 7}})
    other = await make_tenant(database)  # type: ignore[arg-type]
    async with make_client(app, other.admin_key) as http:
        assert (await http.get("/v1/customers/shared-id")).status_code == 404
        assert (await http.get("/v1/customers")).json()["items"] == []
        await put_customer_schema(http)
        await http.put("/v1/customers/shared-id", json={"properties": {"deposits": 1}})
    mine = (await client.get("/v1/customers/shared-id")).json()
    assert mine["properties"] == {"deposits": 7}


async def test_a_customer_id_may_hold_a_slash(client: httpx.AsyncClient, schema: None) -> None:
    """Ids come from other systems: "team/42" is read and written like any other, with the
    slash percent-encoded in the path (as HTTP clients do for a path segment)."""
    put = await client.put("/v1/customers/team%2F42", json={"properties": {"deposits": 1}})
    assert put.status_code == 200, put.text
    assert put.json()["customer_id"] == "team/42"
    imported = await client.post(
        "/v1/customers/import",
        content=b'{"customer_id": "a/b/c", "deposits": 2}\n',
        headers={"content-type": "application/x-ndjson"},
    )
    assert imported.json()["rows_upserted"] == 1
    got = await client.get("/v1/customers/a%2Fb%2Fc")
    assert got.status_code == 200, got.text
    assert got.json()["properties"] == {"deposits": 2}
    assert (await client.get("/v1/customers/team%2F42")).json()["properties"] == {"deposits": 1}
    assert (await client.get("/v1/customers/team")).status_code == 404
