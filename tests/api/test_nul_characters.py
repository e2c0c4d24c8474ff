"""A NUL character anywhere in a request is a 422 naming the field, on every route.

PostgreSQL refuses U+0000 in text, so each of these was a 500 there (found by the fuzz
tests); SQLite stored it. Both now answer the same 422, and store nothing. The checks are the
bad-input layer's (control characters: ``kit.schema.Text``, the free-form JSON bounds and
``api.limits.ControlCharacterGuard`` for paths and queries; docs/limits.md).
"""

from __future__ import annotations

import httpx
import pytest


def _loc(response: httpx.Response) -> list[object]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert problem["errors"][0]["type"] == "control_character"
    return list(problem["errors"][0]["loc"])


async def test_nul_in_a_json_body_names_the_field_and_stores_nothing(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/v1/campaigns", json={"name": "spring\x00sale"})
    assert _loc(response) == ["body", "name"]
    assert (await client.get("/v1/campaigns")).json()["items"] == []


async def test_nul_in_a_nested_key_is_named_as_sent(client: httpx.AsyncClient) -> None:
    response = await client.put("/v1/customers/c1", json={"properties": {"ltv\x00": "1"}})
    assert _loc(response) == ["body", "properties", "ltv\x00"]
    assert (await client.get("/v1/customers/c1")).status_code == 404


async def test_nul_in_a_path_parameter(client: httpx.AsyncClient) -> None:
    assert _loc(await client.get("/v1/customers/a%00b")) == ["path", "customer_id"]


async def test_nul_in_a_query_parameter(client: httpx.AsyncClient) -> None:
    assert _loc(await client.get("/v1/customers", params={"q": "a\x00"})) == ["query", "q"]


@pytest.mark.parametrize(
    ("url", "body", "loc"),
    [
        # the validation routes skip FastAPI's dependencies (api.lean_route)
        (
            "/v1/validate",
            {"code": "X", "contexts": [{"customer_id": "c", "reference": "r\x00"}]},
            ["body", "contexts", 0, "reference"],
        ),
        (
            "/v1/promotions/p%00/validate-customers",
            {"contexts": [{"customer_id": "c"}]},
            ["path", "promotion_id"],
        ),
    ],
)
async def test_nul_on_the_validation_routes(
    client: httpx.AsyncClient, url: str, body: dict[str, object], loc: list[object]
) -> None:
    assert _loc(await client.post(url, json=body)) == loc
