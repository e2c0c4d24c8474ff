from __future__ import annotations

import httpx
import pytest


async def test_get_tenant_returns_defaults(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/tenant")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Test tenant"
    assert body["timezone"] == "UTC"
    assert body["default_currency"] == "EUR"
    assert body["week_start"] == "monday"


async def test_patch_tenant_updates_all_fields(client: httpx.AsyncClient) -> None:
    response = await client.patch(
        "/v1/tenant",
        json={
            "name": "Casino Royale",
            "timezone": "Europe/Paris",
            "default_currency": "USD",
            "week_start": "sunday",
            "locale": "fr-FR",
        },
    )
    assert response.status_code == 200, response.text
    body = (await client.get("/v1/tenant")).json()
    assert (body["name"], body["timezone"], body["default_currency"]) == (
        "Casino Royale",
        "Europe/Paris",
        "USD",
    )
    assert (body["week_start"], body["locale"]) == ("sunday", "fr-FR")


@pytest.mark.parametrize(
    ("field", "value", "error_type"),
    [
        ("timezone", "Mars/Olympus", "invalid_timezone"),
        ("timezone", "../etc/passwd", "invalid_timezone"),
        ("default_currency", "EURO", "invalid_currency"),
        ("default_currency", "eur", "invalid_currency"),
        ("locale", "xx-NOPE", "invalid_locale"),
        ("week_start", "someday", "literal_error"),
        ("name", "", "string_too_short"),
        ("unknown_field", "x", "extra_forbidden"),
    ],
)
async def test_patch_tenant_rejects_bad_field_and_names_it(
    client: httpx.AsyncClient, field: str, value: str, error_type: str
) -> None:
    response = await client.patch("/v1/tenant", json={field: value})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["loc"] == ["body", field]
    assert problem["errors"][0]["type"] == error_type


async def test_patch_is_all_or_nothing(client: httpx.AsyncClient) -> None:
    response = await client.patch(
        "/v1/tenant", json={"name": "Should not stick", "timezone": "Nowhere/Land"}
    )
    assert response.status_code == 422
    assert (await client.get("/v1/tenant")).json()["name"] == "Test tenant"


async def test_patch_is_audited(client: httpx.AsyncClient) -> None:
    await client.patch("/v1/tenant", json={"timezone": "Asia/Tokyo"})
    entries = (await client.get("/v1/audit-log", params={"action": "tenant.update"})).json()
    assert len(entries["items"]) == 1
    entry = entries["items"][0]
    assert entry["before"]["timezone"] == "UTC"
    assert entry["after"]["timezone"] == "Asia/Tokyo"
    assert entry["actor_type"] == "api_key"
