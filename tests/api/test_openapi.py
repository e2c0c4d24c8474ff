"""api/openapi.py: what the published document adds to FastAPI's generation."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from openpromo.api.openapi import LINKS


def _operations(schema: dict[str, object]) -> dict[str, dict[str, object]]:
    paths = schema["paths"]
    assert isinstance(paths, dict)
    return {
        operation["operationId"]: operation
        for item in paths.values()
        for method, operation in item.items()
        if method in {"get", "put", "post", "delete", "patch"}
    }


def test_every_operation_with_a_body_documents_400(app: FastAPI) -> None:
    with_body = [op for op in _operations(app.openapi()).values() if "requestBody" in op]
    assert len(with_body) > 30
    for operation in with_body:
        responses = operation["responses"]
        assert isinstance(responses, dict)
        problem = responses["400"]["content"]["application/problem+json"]["schema"]
        assert problem == {"$ref": "#/components/schemas/Problem"}, operation["operationId"]


def test_links_point_at_existing_operations_and_parameters(app: FastAPI) -> None:
    operations = _operations(app.openapi())
    count = 0
    for (source, status), _ in LINKS.items():
        links = operations[source]["responses"][status]["links"]  # type: ignore[index]
        for link in links.values():
            target = operations[link["operationId"]]
            names = {p["name"] for p in target.get("parameters", [])}  # type: ignore[attr-defined]
            assert set(link["parameters"]) <= names, (source, link)
            count += 1
    assert count >= 15


async def test_the_served_document_is_the_completed_one(anon_client: httpx.AsyncClient) -> None:
    served = (await anon_client.get("/openapi.json")).json()
    assert "Problem" in served["components"]["schemas"]
    assert "400" in served["paths"]["/v1/campaigns"]["post"]["responses"]
    links = served["paths"]["/v1/campaigns"]["post"]["responses"]["201"]["links"]
    assert links["GetCampaign"] == {
        "operationId": "get_campaign",
        "parameters": {"campaign_id": "$response.body#/id"},
    }
