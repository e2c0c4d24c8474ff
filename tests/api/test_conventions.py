"""Cross-cutting API conventions: problem+json everywhere, pagination, OpenAPI, operations."""

from __future__ import annotations

import httpx
from fastapi import FastAPI


async def test_unknown_path_and_wrong_method_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/v1/does-not-exist")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["code"] == "not_found"
    wrong = await client.put("/v1/tenant", json={})
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method_not_allowed"


async def test_request_validation_errors_have_locs(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/api-keys", params={"limit": 0})
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/validation_error")
    assert problem["errors"][0]["loc"] == ["query", "limit"]
    malformed = await client.post(
        "/v1/api-keys", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["loc"][0] == "body"


async def test_bad_cursor_is_422_on_cursor(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/api-keys", params={"cursor": "%%%not-a-cursor"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]


async def test_pagination_walks_every_item_once(client: httpx.AsyncClient) -> None:
    created = set()
    for i in range(7):
        created.add(
            (await client.post("/v1/api-keys", json={"name": f"k{i}", "role": "read_only"})).json()[
                "id"
            ]
        )
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/api-keys", params=params)).json()
        seen.extend(item["id"] for item in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 8  # 7 created + the tenant's initial admin key
    assert created <= set(seen)
    assert pages == 3


async def test_audit_log_filters_and_pages_newest_first(client: httpx.AsyncClient) -> None:
    for zone in ["Europe/Paris", "Europe/Berlin", "Asia/Tokyo"]:
        await client.patch("/v1/tenant", json={"timezone": zone})
    first = (
        await client.get("/v1/audit-log", params={"action": "tenant.update", "limit": 2})
    ).json()
    assert [e["after"]["timezone"] for e in first["items"]] == ["Asia/Tokyo", "Europe/Berlin"]
    second = (
        await client.get(
            "/v1/audit-log",
            params={"action": "tenant.update", "limit": 2, "cursor": first["next_cursor"]},
        )
    ).json()
    assert [e["after"]["timezone"] for e in second["items"]] == ["Europe/Paris"]
    assert second["next_cursor"] is None
    by_type = (await client.get("/v1/audit-log", params={"object_type": "api_key"})).json()
    assert {e["action"] for e in by_type["items"]} == {"api_key.create"}


async def test_health_readiness_and_metrics(anon_client: httpx.AsyncClient) -> None:
    assert (await anon_client.get("/healthz")).json() == {"status": "ok"}
    assert (await anon_client.get("/readyz")).json() == {"status": "ready"}
    await anon_client.get("/v1/tenant")
    metrics = (await anon_client.get("/metrics")).text
    assert 'openpromo_http_requests_total{method="GET",route="/v1/tenant",status="401"}' in metrics
    assert "openpromo_http_request_duration_seconds_bucket" in metrics


async def test_request_id_is_echoed_or_generated(anon_client: httpx.AsyncClient) -> None:
    echoed = await anon_client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    generated = await anon_client.get("/healthz")
    again = await anon_client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 32
    assert generated.headers["x-request-id"] != again.headers["x-request-id"]


def test_openapi_has_summaries_error_responses_and_unique_ids(app: FastAPI) -> None:
    schema = app.openapi()
    assert schema["openapi"].startswith("3.1")
    operation_ids = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), (method, path)
            operation_ids.append(operation["operationId"])
            if path.startswith("/v1/"):
                assert {"401", "403", "404", "422"} <= set(operation["responses"]), (method, path)
    assert len(operation_ids) == len(set(operation_ids))
    assert "Problem" in schema["components"]["schemas"]
