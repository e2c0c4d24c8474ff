from __future__ import annotations

from typing import Any

import httpx


async def create_promocode(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "Code")
    body.setdefault("type", "bulk")
    response = await client.post("/v1/promocodes", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def upload(
    client: httpx.AsyncClient, promocode_id: str, content: bytes, **params: Any
) -> httpx.Response:
    return await client.post(
        f"/v1/promocodes/{promocode_id}/values",
        content=content,
        headers={"Content-Type": "text/plain"},
        params=params,
    )
