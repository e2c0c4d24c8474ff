"""api/problems.py: how FastAPI's and Starlette's own errors are answered."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        # One route per method on /v1/tenant: Starlette's Allow named only the first (GET).
        ("OPTIONS", "/v1/tenant", "GET, PATCH"),
        ("PUT", "/v1/tenant", "GET, PATCH"),
        ("POST", "/v1/reward-types/eur", "DELETE, GET, PATCH"),
        # A concrete path wins over a templated one, as in OpenAPI: /v1/customers/import is
        # not /v1/customers/{customer_id} (which would add GET and PUT).
        ("OPTIONS", "/v1/customers/import", "POST"),
    ],
)
async def test_405_allow_names_every_method_of_the_path(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == allow
    assert response.json()["code"] == "method_not_allowed"
