from __future__ import annotations

from typing import Any

import httpx

CUSTOMER_SCHEMA: list[dict[str, Any]] = [
    {"key": "vip_level", "type": "string", "allowed_values": ["bronze", "silver", "gold"]},
    {"key": "deposits", "type": "integer", "min": 0},
    {"key": "ltv", "type": "decimal"},
    {"key": "newsletter", "type": "boolean"},
    {"key": "birth_date", "type": "date"},
    {"key": "country", "type": "string"},
    {"key": "tags", "type": "string_list"},
]


async def put_customer_schema(
    client: httpx.AsyncClient, properties: list[dict[str, Any]] | None = None
) -> None:
    response = await client.put(
        "/v1/schemas/customer", json={"properties": properties or CUSTOMER_SCHEMA}
    )
    assert response.status_code == 200, response.text
