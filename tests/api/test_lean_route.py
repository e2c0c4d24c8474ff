"""The validation routes are declared like any route but handled by LeanJSONRoute: the same
answers, errors and documentation as FastAPI's generic handling."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from openpromo.api.lean_route import check_signature
from openpromo.db import Database
from tests.conftest import TenantFixture, make_client
from tests.validation.factory import ctx, setup_world

VALIDATION_PATHS = (
    "/v1/promocodes/{promocode_id}/validate-customers",
    "/v1/promotions/{promotion_id}/validate-customers",
    "/v1/validate",
)


async def test_a_body_that_is_not_json_is_a_422_problem_at_body(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    response = await client.post(
        path, content=b'{"contexts": [', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert problem["errors"][0]["type"] == "json_invalid"
    assert problem["errors"][0]["loc"] == ["body"]
    empty = await client.post(path, content=b"")
    assert empty.status_code == 422


async def test_only_json_content_types_are_read_as_json(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    """FastAPI's strict rule, as on every other route: ``application/json`` (parameters
    allowed) and ``application/*+json`` are JSON; a body of another content type, or of none,
    is a 415 naming the header whatever the bytes say (api.limits.RequireJSON)."""
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    body = json.dumps({"contexts": [ctx("j1", "150")]}).encode()
    for content_type in ("application/json; charset=utf-8", "application/vnd.op+json"):
        accepted = await client.post(path, content=body, headers={"content-type": content_type})
        assert accepted.status_code == 200, (content_type, accepted.text)
    for headers in ({"content-type": "text/plain"}, {"content-type": "application/xml"}, {}):
        for where in (path, "/v1/campaigns"):  # the lean route and one FastAPI handles
            refused = await client.post(where, content=body, headers=headers)
            assert refused.status_code == 415, (headers, refused.text)
            problem = refused.json()
            assert problem["code"] == "unsupported_media_type"
            assert problem["errors"][0]["loc"] == ["header", "content-type"]


async def test_field_errors_name_the_field_under_body(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    response = await client.post(path, json={"contexts": [{"customer_id": 7}], "commit": "x"})
    assert response.status_code == 422
    locs = [error["loc"] for error in response.json()["errors"]]
    assert ["body", "contexts", 0, "customer_id"] in locs
    assert ["body", "commit"] in locs
    by_code = await client.post("/v1/validate", json={"contexts": [ctx("a")]})
    assert by_code.status_code == 422
    assert by_code.json()["errors"][0]["loc"] == ["body", "code"]


async def test_both_key_schemes_and_no_key(
    app: FastAPI, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    path = f"/v1/promotions/{world.promotion_id}/validate-customers"
    body: dict[str, Any] = {"contexts": [ctx("k1", "150")]}
    async with make_client(app, None) as anon:
        header = await anon.post(path, json=body, headers={"X-API-Key": tenant.admin_key})
        bearer = await anon.post(
            path, json=body, headers={"Authorization": f"bearer {tenant.admin_key}"}
        )
        missing = await anon.post(path, json=body)
        other_scheme = await anon.post(
            path, json=body, headers={"Authorization": f"Basic {tenant.admin_key}"}
        )
    assert header.status_code == bearer.status_code == 200
    assert header.json() == bearer.json()
    assert missing.status_code == other_scheme.status_code == 401
    assert missing.json()["code"] == "missing_api_key"


async def test_the_routes_are_documented_as_declared(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path in VALIDATION_PATHS:
        operation = spec["paths"][path]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith(("ValidateRequest", "ValidateByCodeRequest"))
        assert operation["responses"]["200"]["content"]["application/json"]["schema"][
            "$ref"
        ].endswith("ValidationResponse")
        assert {name for item in operation["security"] for name in item} == {
            "HTTPBearer",
            "APIKeyHeader",
        }


def test_an_endpoint_with_other_parameters_is_refused() -> None:
    async def endpoint(promotion_id: str, body: Any, request: Any, bearer: Any) -> None:
        return None

    with pytest.raises(TypeError, match="takes exactly"):
        check_signature(endpoint, {"promotion_id": str})
